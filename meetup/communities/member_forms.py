"""Forms of joining a community, a member's choices, and the member lists'
search. They parse; services.communities.membership holds the rules."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from meetup.forms import Form
from meetup.models import CommunityMail, CommunityQuestion
from meetup.models.community import JOIN_ANSWER_MAX_LENGTH
from meetup.services.communities.membership import answer_field

MAIL_LABELS = {
    CommunityMail.EACH_EVENT: "An email for each new event",
    CommunityMail.WEEKLY_DIGEST: "A weekly digest",
    CommunityMail.NOTHING: "Nothing",
}
LISTING_LABELS = {
    "default": "As my directory setting says",
    "shown": "List me",
    "hidden": "Don't list me",
}


class JoinForm(Form):
    """Joining; a community that approves its members adds a field per
    question (join_form)."""

    next = HiddenField()

    def answers(self) -> dict[str, str]:
        return {
            name: field.data or ""
            for name, field in self._fields.items()
            if name.startswith("answer_")
        }


def join_form(questions: list[CommunityQuestion], **kwargs: Any) -> JoinForm:
    """A JoinForm with one answer field per question, named as the service
    names them (membership.answer_field)."""
    fields = {
        answer_field(question): TextAreaField(
            question.text, render_kw={"rows": 3, "maxlength": JOIN_ANSWER_MAX_LENGTH}
        )
        for question in questions
    }
    return type("QuestionsJoinForm", (JoinForm,), fields)(**kwargs)


class ChoicesForm(Form):
    """A member's choices for one community."""

    mail = RadioField(
        "New events",
        choices=[SelectChoice(choice.value, label) for choice, label in MAIL_LABELS.items()],
        validate_choice=False,
    )
    listing = RadioField(
        "The member list",
        choices=[SelectChoice(key, label) for key, label in LISTING_LABELS.items()],
        validate_choice=False,
    )
    next = HiddenField()


class MemberSearchForm(Form):
    """The member list's search (GET, no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name, headline or company")
