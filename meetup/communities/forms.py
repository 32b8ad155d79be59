"""Forms of the community pages: creating and editing a community, the
listing's search, inviting an admin. They parse; services.communities holds
the rules."""

from __future__ import annotations

from markupsafe import Markup
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import InputRequired

from meetup.forms import Form
from meetup.models import Community
from meetup.models.community import (
    COMMUNITY_CITY_MAX_LENGTH,
    COMMUNITY_DESCRIPTION_MAX_LENGTH,
    COMMUNITY_NAME_MAX_LENGTH,
    JOIN_QUESTION_MAX_LENGTH,
)
from meetup.services.communities.lifecycle import CommunityDetails


class CommunityForm(Form):
    name = StringField(
        "Name", [InputRequired("Give the community a name.")],
        render_kw={"maxlength": COMMUNITY_NAME_MAX_LENGTH},
    )  # fmt: skip
    description = TextAreaField(
        "What it is about",
        [InputRequired("Say in a few words what the community is about.")],
        render_kw={"rows": 8, "maxlength": COMMUNITY_DESCRIPTION_MAX_LENGTH},
    )
    topics = StringField("Topics")
    city = StringField("Home city", render_kw={"maxlength": COMMUNITY_CITY_MAX_LENGTH})
    is_approval_required = BooleanField("Admins approve each person who asks to join")
    question_1 = StringField("Question 1", render_kw={"maxlength": JOIN_QUESTION_MAX_LENGTH})
    question_2 = StringField("Question 2", render_kw={"maxlength": JOIN_QUESTION_MAX_LENGTH})
    question_3 = StringField("Question 3", render_kw={"maxlength": JOIN_QUESTION_MAX_LENGTH})

    @classmethod
    def for_community(cls, community: Community) -> CommunityForm:
        questions = [question.text for question in community.questions] + ["", "", ""]
        return cls(
            name=community.name,
            description=community.description,
            topics=", ".join(topic.name for topic in community.topics),
            city=community.city,
            is_approval_required=community.is_approval_required,
            question_1=questions[0],
            question_2=questions[1],
            question_3=questions[2],
        )

    def details(self) -> CommunityDetails:
        return CommunityDetails(
            name=self.name.data or "",
            description=self.description.data or "",
            topics=(self.topics.data or "").split(","),
            city=self.city.data or "",
            is_approval_required=bool(self.is_approval_required.data),
            questions=[
                field.data or "" for field in (self.question_1, self.question_2, self.question_3)
            ],
        )


class CommunitySearchForm(Form):
    """The listing's search and filters (GET, no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Search")
    city = StringField("City")
    online = BooleanField("Online communities only")
    topic = StringField("Topic")

    def fields_html(self) -> Markup:
        """The fields as communities/_filters.html writes them, once per distinct query."""
        return self.rendered_fields("communities/_filters.html", "filters")


class AdminInvitationForm(Form):
    email = EmailField(
        "Email address of the person to invite", [InputRequired("Enter their email address.")]
    )


class ConfirmForm(Form):
    """A button that only carries the CSRF token (closing a community)."""
