"""Forms of a community's events and mail. They parse; services hold the rules."""

from __future__ import annotations

from wtforms import StringField, TextAreaField

from meetup.forms import Form
from meetup.models.community import (
    COMMUNITY_MESSAGE_BODY_MAX_LENGTH,
    COMMUNITY_MESSAGE_SUBJECT_MAX_LENGTH,
)


class CommunityMessageForm(Form):
    """An admin's message to the members."""

    subject = StringField("Subject", render_kw={"maxlength": COMMUNITY_MESSAGE_SUBJECT_MAX_LENGTH})
    body = TextAreaField(
        "Message", render_kw={"rows": 10, "maxlength": COMMUNITY_MESSAGE_BODY_MAX_LENGTH}
    )
