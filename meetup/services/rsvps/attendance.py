"""Who attended an event: the one rule connections, follow-ups, outcomes and
suggestions use. It is about replies, so it lives with them.

A person attended an event when they were going at its start; where the
hosts checked in at least half of those going, only the people checked in
count. "Met at" an event means both attended it. Hosts count as ordinary
attendees: their replies decide, not their role.

Whether someone may be told that a person attended an event is a privacy
fact (services.privacy.attendance_shown and its SQL twin
attendance_shown_condition): where two people met, a past event a
suggestion names, all say only that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from meetup.extensions import db
from meetup.models import Event, EventStatus, Rsvp, RsvpStatus
from meetup.services.privacy import attendance_shown_condition, members_event_condition


def attended_condition(
    rsvp: type[Rsvp] = Rsvp, *, now: datetime, event_id: int | None = None
) -> object:
    """SQL over a reply (joined to nothing else): its person attended its event.
    `event_id`: every reply the query reads is of this event (a whole
    roster), so the counts are read once rather than once per reply."""
    other = aliased(Rsvp)  # the event's other replies, counted
    same_event = rsvp.event_id if event_id is None else event_id
    going = select(func.count()).where(
        other.event_id == same_event, other.status == RsvpStatus.GOING
    )
    checked_in = going.where(other.checked_in_at.is_not(None))
    event = aliased(Event)  # not the caller's Event, if it joins one
    started = select(event.id).where(
        event.starts_at <= now,
        event.status == EventStatus.PUBLISHED,
    )
    return and_(
        rsvp.status == RsvpStatus.GOING,
        rsvp.event_id.in_(started),
        or_(
            rsvp.checked_in_at.is_not(None),
            # Check-in taken seriously (half or more): only those checked in count.
            checked_in.scalar_subquery() * 2 < going.scalar_subquery(),
        ),
    )


@dataclass(frozen=True)
class MetAt:
    """An event two people both attended."""

    event_id: int
    slug: str
    title: str
    starts_at: datetime
    timezone: str


def met_at(
    person_id: int, others: list[int], *, now: datetime, told: bool = True
) -> dict[int, list[MetAt]]:
    """For each of `others`, the events they and `person_id` both attended
    and where `person_id` may be told they did (attendance_shown; `told`
    False: all of them, for a record no one is shown), latest first; one
    query whatever the number of people."""
    if not others:
        return {}
    mine, theirs = aliased(Rsvp), aliased(Rsvp)
    query = _met_query(mine, theirs, now=now).where(
        mine.user_id == person_id, theirs.user_id.in_(others)
    )
    if told:
        # Named to `person_id` only where they may see the event (members only).
        query = query.where(attendance_shown_condition(theirs), members_event_condition(person_id))
    rows = db.session.execute(query.order_by(Event.starts_at.desc(), Event.id)).all()
    found: dict[int, list[MetAt]] = {other: [] for other in others}
    for row in rows:
        found[row.user_id].append(MetAt(row.id, row.slug, row.title, row.starts_at, row.timezone))
    return found


def _met_query(mine: type[Rsvp], theirs: type[Rsvp], *, now: datetime) -> Select:
    return (
        select(theirs.user_id, Event.id, Event.slug, Event.title, Event.starts_at, Event.timezone)
        .select_from(mine)
        .join(theirs, theirs.event_id == mine.event_id)
        .join(Event, Event.id == mine.event_id)
        .where(attended_condition(mine, now=now), attended_condition(theirs, now=now))
    )


def attended(person_id: int, event_id: int, *, now: datetime) -> bool:
    """Did the person attend the event (see the module's rule)?"""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Rsvp)
            .where(
                Rsvp.user_id == person_id,
                Rsvp.event_id == event_id,
                attended_condition(now=now),
            )
        )
        == 1
    )
