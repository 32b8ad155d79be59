"""Feedback: who may give it and when, giving and changing it, and a
person's own answers (My events, My data).

Only people who attended (services.rsvps.attendance) may answer, from
the event's end for FEEDBACK_DAYS days, once each; they may change their
answer in that window. An answer is anonymous to the hosts unless signed
(what the hosts see of answers is services.outcomes.anonymity's business).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, PermissionDenied
from meetup.lib.text import clean_text
from meetup.lib.timezones import utc_to_local
from meetup.lib.urls import external_url
from meetup.models import Event, EventStatus, Feedback, User
from meetup.models.feedback import COMMENT_MAX_LENGTH
from meetup.services.rsvps.attendance import attended

FEEDBACK_DAYS = 30
RATINGS = range(1, 6)


def feedback_url(event: Event) -> str:
    """The absolute link to an event's feedback form (for the follow-up email)."""
    return external_url("outcomes.feedback_form", slug=event.slug)


def closes_at(event: Event) -> datetime:
    return event.ends_at + timedelta(days=FEEDBACK_DAYS)


def is_open(event: Event, now: datetime) -> bool:
    """Is the event's feedback window open (whoever asks)?"""
    return event.status == EventStatus.PUBLISHED and event.ends_at <= now < closes_at(event)


def refusal(person: User, event: Event, *, now: datetime) -> str | None:
    """Why `person` may not give feedback on `event` now (None: they may)."""
    if event.status != EventStatus.PUBLISHED:
        return "This event takes no feedback."
    if now < event.ends_at:
        return "Feedback opens when the event ends."
    if now >= closes_at(event):
        closed = utc_to_local(closes_at(event), event.timezone)
        return f"Feedback closed on {closed:%-d %B %Y}."
    if not attended(person.id, event.id, now=now):
        return "Only people who attended this event can give feedback on it."
    return None


def offers_feedback(person: User | None, event: Event, *, going: bool, now: datetime) -> bool:
    """Should a page offer `person` the feedback form? (`going`: their reply
    says going, which saves the query for everyone else.)"""
    if person is None or not going or not is_open(event, now):
        return False
    return attended(person.id, event.id, now=now)


@dataclass(frozen=True)
class FeedbackPage:
    event: Event
    refusal: str | None  # why the person may not answer now (None: they may)
    answer: Feedback | None  # the person's own answer, to change
    closes_at: datetime


def feedback_page(person: User, event: Event, *, now: datetime) -> FeedbackPage:
    """The form's page for `person`: their answer if they gave one, or why
    they may not answer (the page says it, rather than a bare 403)."""
    reason = refusal(person, event, now=now)
    answer = own_answer(person, event) if reason is None else None
    return FeedbackPage(event, reason, answer, closes_at(event))


@dataclass(frozen=True)
class Answer:
    rating: int | None
    is_coming_again: bool | None
    comment: str = ""
    is_signed: bool = False


def give_feedback(person: User, event: Event, answer: Answer, *, now: datetime) -> Feedback:
    """Save `person`'s answer about `event`, or change the one they gave.

    :raise PermissionDenied: they may not give feedback now.
    :raise InvalidInput: a rating outside 1–5, no yes/no, a comment too long.
    """
    _require_may_answer(person, event, now=now)
    if answer.rating not in RATINGS:
        raise InvalidInput("Choose a rating from 1 to 5.", field="rating")
    if answer.is_coming_again is None:
        raise InvalidInput("Say whether you would come again.", field="is_coming_again")
    comment = clean_text(answer.comment, field="comment", max_length=COMMENT_MAX_LENGTH)
    feedback = own_answer(person, event)
    if feedback is None:
        feedback = Feedback(event_id=event.id, user_id=person.id, created_at=now)
        db.session.add(feedback)
    feedback.rating = answer.rating
    feedback.is_coming_again = answer.is_coming_again
    feedback.comment = comment
    feedback.is_signed = answer.is_signed
    feedback.updated_at = now
    db.session.flush()
    return feedback


def own_answer(person: User, event: Event) -> Feedback | None:
    return db.session.scalar(
        select(Feedback).where(Feedback.event_id == event.id, Feedback.user_id == person.id)
    )


def answered_events(person: User, event_ids: list[int]) -> set[int]:
    """Which of `event_ids` `person` gave feedback on (one query)."""
    if not event_ids:
        return set()
    return set(
        db.session.scalars(
            select(Feedback.event_id).where(
                Feedback.user_id == person.id, Feedback.event_id.in_(event_ids)
            )
        )
    )


def _require_may_answer(person: User, event: Event, *, now: datetime) -> None:
    reason = refusal(person, event, now=now)
    if reason is not None:
        raise PermissionDenied(reason)


# My data


@dataclass(frozen=True)
class MyFeedback:
    event_title: str
    event_slug: str
    rating: int
    is_coming_again: bool
    comment: str
    is_signed: bool
    updated_at: datetime


def my_feedback(person: User) -> list[MyFeedback]:
    """Every answer `person` gave, latest event first (one query)."""
    rows = db.session.execute(
        select(Feedback, Event.title, Event.slug)
        .join(Event, Event.id == Feedback.event_id)
        .where(Feedback.user_id == person.id)
        .order_by(Event.starts_at.desc(), Feedback.id)
    )
    return [
        MyFeedback(
            event_title=title,
            event_slug=slug,
            rating=row.rating,
            is_coming_again=row.is_coming_again,
            comment=row.comment,
            is_signed=row.is_signed,
            updated_at=row.updated_at,
        )
        for row, title, slug in rows
    ]


def export_feedback(person: User) -> list[dict[str, Any]]:
    return [
        {
            "event": item.event_title,
            "slug": item.event_slug,
            "rating": item.rating,
            "would_come_again": item.is_coming_again,
            "comment": item.comment,
            "signed": item.is_signed,
            "updated_at": item.updated_at.isoformat(),
        }
        for item in my_feedback(person)
    ]


def erase_feedback(person: User) -> None:
    """The answers stay in the hosts' figures, anonymous: nothing links them
    to the person any more, and a signed one is signed no longer."""
    db.session.execute(
        update(Feedback)
        .where(Feedback.user_id == person.id)
        .values(user_id=None, is_signed=False)
        .execution_options(synchronize_session=False)
    )
