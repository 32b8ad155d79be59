"""An event's room as suggestions read it: the people going, the fields
scoring reads, the other events they attended. A build reads the whole room;
a read names the few people it needs (IN), or the whole room when they are
many (a follow-up batch)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import (
    Event,
    EventStatus,
    EventVisibility,
    Rsvp,
    RsvpStatus,
    User,
    UserGoal,
    UserInterest,
)
from meetup.models.user import GoalDirection
from meetup.services.privacy import attendance_shown_condition, shown_condition
from meetup.services.rsvps.attendance import attended_condition

# Up to this many people, reads name them (IN); beyond, they read the whole
# room of the event: a follow-up batch asks for thousands at once.
LISTED_IDS = 500


@dataclass(frozen=True)
class Row:
    """A person going, as scoring and the reads need them."""

    id: int
    display_name: str
    headline: str
    company: str
    profile_visibility: Any
    deleted_at: datetime | None
    shown: bool


def going_ids(event: Event) -> Any:
    return select(Rsvp.user_id).where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.GOING)


def people_among(event: Event, ids: Sequence[int] | None) -> Any:
    """The people a query reads: `ids` when few, else the event's room."""
    if ids is None or len(ids) > LISTED_IDS:
        return going_ids(event)
    return list(ids)


def going(event: Event, *, among: Sequence[int] | None) -> list[Row]:
    query = (
        select(
            User.id,
            User.display_name,
            User.headline,
            User.company,
            User.profile_visibility,
            User.deleted_at,
            shown_condition().label("shown"),
        )
        .join(Rsvp, Rsvp.user_id == User.id)
        .where(
            Rsvp.event_id == event.id,
            Rsvp.status == RsvpStatus.GOING,
            User.deleted_at.is_(None),
        )
    )
    if among is not None and len(among) <= LISTED_IDS:
        query = query.where(User.id.in_(among))
    return [Row(*row) for row in db.session.execute(query)]


def fields(
    event: Event, *, among: Sequence[int] | None
) -> tuple[dict[int, frozenset[str]], dict[int, frozenset[str]], dict[int, frozenset[str]]]:
    """Interests, goals offered and goals sought, by person: two queries."""
    people = people_among(event, among)
    interests: dict[int, set[str]] = {}
    for user_id, name in db.session.execute(
        select(UserInterest.user_id, UserInterest.name).where(UserInterest.user_id.in_(people))
    ):
        interests.setdefault(user_id, set()).add(name)
    offers: dict[int, set[str]] = {}
    seeks: dict[int, set[str]] = {}
    for user_id, goal, direction in db.session.execute(
        select(UserGoal.user_id, UserGoal.goal, UserGoal.direction).where(
            UserGoal.user_id.in_(people)
        )
    ):
        side = offers if direction == GoalDirection.OFFERS else seeks
        side.setdefault(user_id, set()).add(str(goal.value))
    return (
        {key: frozenset(value) for key, value in interests.items()},
        {key: frozenset(value) for key, value in offers.items()},
        {key: frozenset(value) for key, value in seeks.items()},
    )


def past_events(
    event: Event,
    *,
    now: datetime,
    among: Sequence[int] | None = None,
    only: Iterable[int] | None = None,
) -> tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]]:
    """The other events each person attended (attendance's rule), latest
    first, and those of them others who attended may be told of
    (attendance_shown_condition); `only`: just these events."""
    query = (
        select(Rsvp.user_id, Rsvp.event_id, attendance_shown_condition(Rsvp))
        .join(Event, Event.id == Rsvp.event_id)
        .where(
            Rsvp.user_id.in_(people_among(event, among)),
            Rsvp.event_id != event.id,
            attended_condition(Rsvp, now=now),
        )
        .order_by(Event.starts_at.desc(), Event.id)
    )
    if only is not None:
        query = query.where(Rsvp.event_id.in_(list(only)))
    attended: dict[int, list[int]] = {}
    shown: dict[int, list[int]] = {}
    for user_id, event_id, is_shown in db.session.execute(query):
        attended.setdefault(user_id, []).append(event_id)
        if is_shown:
            shown.setdefault(user_id, []).append(event_id)
    return (
        {user_id: tuple(events) for user_id, events in attended.items()},
        {user_id: tuple(events) for user_id, events in shown.items()},
    )


def titles(event_ids: Iterable[int]) -> tuple[dict[int, str], set[int]]:
    """The titles of published events among `event_ids`, and which of them
    are a community's members only (named only to whom may see them)."""
    ids = list(event_ids)
    if not ids:
        return {}, set()
    rows = db.session.execute(
        select(Event.id, Event.title, Event.visibility).where(
            Event.id.in_(ids), Event.status == EventStatus.PUBLISHED
        )
    ).all()
    members_only = {row.id for row in rows if row.visibility == EventVisibility.MEMBERS}
    return {row.id: row.title for row in rows}, members_only
