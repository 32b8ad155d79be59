"""Forms of the hosts' tools. They parse; services hold the rules."""

from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from meetup.forms import Form
from meetup.models.event import FOLLOWUP_MESSAGE_MAX_LENGTH
from meetup.services.followups.settings import SENDING_LABELS
from meetup.services.hosting.announcements import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH


class CheckInSearchForm(Form):
    """The check-in list's search (GET, no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name or email")


class MessageForm(Form):
    audience = RadioField(
        "Send to",
        choices=[
            SelectChoice("going", "Everyone going"),
            SelectChoice("waitlisted", "Everyone on the waitlist"),
            SelectChoice("both", "Both"),
        ],
        default="going",
        validate_choice=False,
    )
    subject = StringField("Subject", render_kw={"maxlength": SUBJECT_MAX_LENGTH})
    body = TextAreaField("Message", render_kw={"rows": 8, "maxlength": MESSAGE_MAX_LENGTH})


class FollowupForm(Form):
    message = TextAreaField(
        "Your message", render_kw={"rows": 8, "maxlength": FOLLOWUP_MESSAGE_MAX_LENGTH}
    )
    sending = RadioField(
        "When it goes out",
        choices=[SelectChoice(choice.value, label) for choice, label in SENDING_LABELS.items()],
        validate_choice=False,
    )
