"""The hosts' forms for replies and questions (the reply form itself is part of
the event page: events.forms.RsvpForm). They parse; services hold the rules."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from meetup.forms import Form
from meetup.models import EventQuestion, QuestionKind, RsvpStatus
from meetup.models.rsvp import QUESTION_LABEL_MAX_LENGTH
from meetup.services.questions import MAX_CHOICES, QuestionDraft


class ReplyFilterForm(Form):
    """The hosts' filters on the list of replies (GET, no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name or email")
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "All"),
            SelectChoice(RsvpStatus.GOING.value, "Going"),
            SelectChoice(RsvpStatus.WAITLISTED.value, "Waitlisted"),
            SelectChoice(RsvpStatus.PENDING.value, "Awaiting approval"),
            SelectChoice(RsvpStatus.NOT_GOING.value, "Can't go"),
            SelectChoice(RsvpStatus.DECLINED.value, "Declined"),
            SelectChoice(RsvpStatus.REMOVED.value, "Removed"),
        ],
        validate_choice=False,
    )


class ReasonForm(Form):
    reason = TextAreaField("Reason, emailed to them (optional)", render_kw={"rows": 3})


class QuestionForm(Form):
    label = StringField("Question", render_kw={"maxlength": QUESTION_LABEL_MAX_LENGTH})
    kind = RadioField(
        "Kind of answer",
        choices=[
            SelectChoice(QuestionKind.SHORT_TEXT.value, "A short text"),
            SelectChoice(QuestionKind.LONG_TEXT.value, "A longer text"),
            SelectChoice(QuestionKind.CHOICE.value, "One choice from a list"),
        ],
        default=QuestionKind.SHORT_TEXT.value,
        validate_choice=False,
    )
    choices = TextAreaField(f"Options, one per line (2 to {MAX_CHOICES})", render_kw={"rows": 4})
    is_required = BooleanField("An answer is required")

    @classmethod
    def for_question(cls, question: EventQuestion) -> QuestionForm:
        return cls(
            label=question.label,
            kind=question.kind.value,
            choices="\n".join(question.choices),
            is_required=question.is_required,
        )

    def draft(self) -> QuestionDraft:
        return QuestionDraft(
            label=self.label.data or "",
            kind=self.kind.data or "",
            is_required=bool(self.is_required.data),
            choices=(self.choices.data or "").splitlines(),
        )
