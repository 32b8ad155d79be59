"""The forms of replies: the reply form of the event page (RsvpForm), and the
hosts' forms for replies and questions. They parse; services hold the rules."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from meetup.forms import Form
from meetup.models import EventQuestion, QuestionKind, Rsvp, RsvpStatus
from meetup.models.question import QUESTION_LABEL_MAX_LENGTH
from meetup.services.events.questions import (
    LONG_ANSWER_MAX_LENGTH,
    MAX_CHOICES,
    SHORT_ANSWER_MAX_LENGTH,
    QuestionDraft,
)
from meetup.services.rsvps import replying


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


GOING = "going"
NOT_GOING = "not_going"


class RsvpForm(Form):
    """Going or can't go (the button pressed), guests, and one field per question."""

    response = StringField()
    guests = IntegerField("Guests you bring", [Optional()], default=0)
    directory_choice = SelectField(
        "In this event's list of people",
        choices=[SelectChoice(value, label) for value, label in replying.DIRECTORY_CHOICES],
        default=replying.DEFAULT_DIRECTORY_CHOICE,
        validate_choice=False,
    )

    questions: Sequence[EventQuestion] = ()

    @classmethod
    def for_event(
        cls, questions: Sequence[EventQuestion], *, guest_limit: int, rsvp: Rsvp | None = None
    ) -> RsvpForm:
        fields = {"questions": tuple(questions)}
        for question in questions:
            fields[f"answer_{question.id}"] = _answer_field(question)
        # A class of its own only when there are questions to add: building
        # one (WTForms sorts its fields anew) costs more than the page's query.
        form_class = type("EventRsvpForm", (cls,), fields) if questions else cls
        data = {}
        if rsvp is not None:
            data["guests"] = rsvp.guests
            data["directory_choice"] = replying.directory_choice_value(rsvp)
            for key, value in rsvp.answers.items():
                data[f"answer_{key}"] = value
        form = form_class(data=data)
        form.guests.render_kw = {"inputmode": "numeric", "min": 0, "max": guest_limit}
        return form

    @property
    def answer_fields(self) -> list:
        return [self[f"answer_{question.id}"] for question in self.questions]

    def validate_response(self, field: StringField) -> None:
        if field.data not in (GOING, NOT_GOING):
            raise ValidationError("Choose whether you are going.")

    def reply(self) -> replying.Reply:
        return replying.Reply(
            going=self.response.data == GOING,
            guests=self.guests.data or 0,
            answers={
                str(question.id): self[f"answer_{question.id}"].data or ""
                for question in self.questions
            },
            # Not sent at all: keep the choice as it is (it outlives edits).
            directory_choice=self.directory_choice.data if self.directory_choice.raw_data else None,
        )


def _answer_field(question: EventQuestion):
    label = question.label if question.is_required else f"{question.label} (optional)"
    render_kw = {"required": True} if question.is_required else {}
    if question.kind == QuestionKind.CHOICE:
        choices = [SelectChoice(choice, choice) for choice in question.choices]
        return RadioField(label, choices=choices, validate_choice=False, render_kw=render_kw)
    if question.kind == QuestionKind.LONG_TEXT:
        return TextAreaField(
            label, render_kw={**render_kw, "rows": 3, "maxlength": LONG_ANSWER_MAX_LENGTH}
        )
    return StringField(label, render_kw={**render_kw, "maxlength": SHORT_ANSWER_MAX_LENGTH})
