"""The hosts' page of an event's registration questions: the questions, and
whether it offers to add one."""

from __future__ import annotations

from dataclasses import dataclass

from meetup.models import Event, EventQuestion
from meetup.services.events.lookup import is_editable
from meetup.services.events.questions import MAX_QUESTIONS, list_questions


@dataclass(frozen=True)
class QuestionsPage:
    questions: list[EventQuestion]  # in the order asked
    most: int  # how many an event may ask
    # Room for another, and the event may still change (questions.add_question
    # refuses the rest).
    takes_more: bool


def questions_page(event: Event) -> QuestionsPage:
    questions = list_questions(event)
    return QuestionsPage(
        questions,
        most=MAX_QUESTIONS,
        takes_more=len(questions) < MAX_QUESTIONS and is_editable(event),
    )
