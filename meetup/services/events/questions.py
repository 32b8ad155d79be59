"""Registration questions: what hosts ask people who reply "going", and the
checking of their answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound
from meetup.lib.text import clean_line, clean_text
from meetup.models import Event, EventQuestion, QuestionKind, User
from meetup.models.question import CHOICE_MAX_LENGTH, QUESTION_LABEL_MAX_LENGTH
from meetup.services.events.lookup import require_editable, require_host

MAX_QUESTIONS = 5
MAX_CHOICES = 10
SHORT_ANSWER_MAX_LENGTH = 200
LONG_ANSWER_MAX_LENGTH = 2000


@dataclass(frozen=True)
class QuestionDraft:
    """A question as a host writes it; `choices` only for QuestionKind.CHOICE."""

    label: str
    kind: str
    is_required: bool = False
    choices: Iterable[str] = field(default_factory=tuple)


def add_question(actor: User, event: Event, draft: QuestionDraft) -> EventQuestion:
    """:raise PermissionDenied: not a host. :raise InvalidInput: a bad field, or
    the event has its five questions already."""
    _require_editable(actor, event)
    if len(event.questions) >= MAX_QUESTIONS:
        raise InvalidInput(
            f"An event asks at most {MAX_QUESTIONS} questions; remove one first.", field="label"
        )
    last = max((question.position for question in event.questions), default=0)
    question = EventQuestion(position=last + 1)
    _apply(question, draft)
    event.questions.append(question)
    db.session.flush()
    return question


def update_question(
    actor: User, event: Event, question_id: int, draft: QuestionDraft
) -> EventQuestion:
    """:raise PermissionDenied: not a host. :raise NotFound: not this event's question."""
    _require_editable(actor, event)
    question = get_question(event, question_id)
    _apply(question, draft)
    db.session.flush()
    return question


def remove_question(actor: User, event: Event, question_id: int) -> None:
    """Answers already given stay with the replies; they are no longer shown."""
    _require_editable(actor, event)
    event.questions.remove(get_question(event, question_id))
    db.session.flush()


def get_question(event: Event, question_id: int) -> EventQuestion:
    for question in event.questions:
        if question.id == question_id:
            return question
    raise NotFound("This event has no such question.")


def list_questions(event: Event) -> list[EventQuestion]:
    """In the order asked; loaded once per unit of work (the page and the
    check of the answers share them)."""
    return list(event.questions)


def clean_answers(questions: Iterable[EventQuestion], raw: Mapping[str, str]) -> dict[str, str]:
    """Check the answers to `questions` (keyed by question id, as strings).

    :raise InvalidInput: a required answer is missing, a choice is not offered,
        or an answer is too long; `field` is "answer_<id>".
    """
    answers: dict[str, str] = {}
    for question in questions:
        key = str(question.id)
        name = f"answer_{question.id}"
        value = raw.get(key) or ""
        if question.kind == QuestionKind.LONG_TEXT:
            value = clean_text(value, field=name, max_length=LONG_ANSWER_MAX_LENGTH)
        else:
            value = clean_line(value, field=name, max_length=SHORT_ANSWER_MAX_LENGTH)
        if question.kind == QuestionKind.CHOICE and value and value not in question.choices:
            raise InvalidInput("Choose one of the options.", field=name)
        if question.is_required and not value:
            raise InvalidInput("The hosts need an answer to this question.", field=name)
        if value:
            answers[key] = value
    return answers


def _require_editable(actor: User, event: Event) -> None:
    require_host(actor, event)
    require_editable(event)


def _apply(question: EventQuestion, draft: QuestionDraft) -> None:
    label = clean_line(draft.label, field="label", max_length=QUESTION_LABEL_MAX_LENGTH)
    if not label:
        raise InvalidInput("Write the question.", field="label")
    try:
        kind = QuestionKind(draft.kind)
    except ValueError:
        raise InvalidInput("Choose one of the options.", field="kind") from None
    choices: list[str] = []
    if kind == QuestionKind.CHOICE:
        for raw in draft.choices:
            choice = clean_line(raw, field="choices", max_length=CHOICE_MAX_LENGTH)
            if choice and choice not in choices:
                choices.append(choice)
        if not 2 <= len(choices) <= MAX_CHOICES:
            raise InvalidInput(
                f"Give between 2 and {MAX_CHOICES} options, one per line.", field="choices"
            )
    question.label = label
    question.kind = kind
    question.choices = choices
    question.is_required = bool(draft.is_required)
