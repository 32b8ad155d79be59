"""What past events did for one person (My events): how many people they
met there, the connections that came of each, and their feedback to give.

"Met" counts the others who attended and whom the event's directory shows
the person as an ordinary attendee (services.directory: a host sees no more
here than anyone else), never hidden or blocked people: a number must not
tell what a list would not. Four queries for any number of events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from meetup.extensions import db
from meetup.models import Connection, Event, Rsvp, User
from meetup.services.outcomes import feedback
from meetup.services.privacy import (
    attendance_shown_condition,
    can_see_profile,
    may_open_list,
    not_blocked_condition,
    shown_condition,
)
from meetup.services.rsvps.attendance import attended_condition


@dataclass(frozen=True)
class ConnectionMade:
    user_id: int
    display_name: str
    shows_profile: bool  # else the name alone, as My network shows it


@dataclass(frozen=True)
class EventOutcome:
    attended: bool
    met: int  # other attendees the person saw in the event's directory
    connections: list[ConnectionMade] = field(default_factory=list)
    offers_feedback: bool = False  # the form is open to them now
    gave_feedback: bool = False


def event_outcomes(person: User, events: list[Event], *, now: datetime) -> dict[int, EventOutcome]:
    """For each of the person's past `events`, what it did for them."""
    ids = [event.id for event in events]
    if not ids:
        return {}
    went = set(
        db.session.scalars(
            select(Rsvp.event_id).where(
                Rsvp.user_id == person.id, Rsvp.event_id.in_(ids), attended_condition(now=now)
            )
        )
    )
    listed = [
        event.id
        for event in events
        if event.id in went
        # As an ordinary attendee (a host's own right does not count).
        and may_open_list(event, viewer_is_host=False, viewer_is_going=True)
    ]
    met = _met_counts(person, listed, now=now)
    made = _connections_made(person, ids)
    answered = feedback.answered_events(person, [i for i in ids if i in went])
    return {
        event.id: EventOutcome(
            attended=event.id in went,
            met=met.get(event.id, 0),
            connections=made.get(event.id, []),
            offers_feedback=event.id in went and feedback.is_open(event, now),
            gave_feedback=event.id in answered,
        )
        for event in events
    }


def _met_counts(person: User, event_ids: list[int], *, now: datetime) -> dict[int, int]:
    if not event_ids:
        return {}
    return dict(
        db.session.execute(
            select(Rsvp.event_id, func.count())
            .join(User, User.id == Rsvp.user_id)
            .where(
                Rsvp.event_id.in_(event_ids),
                Rsvp.user_id != person.id,
                attended_condition(now=now),
                shown_condition(),
                not_blocked_condition(person),
            )
            .group_by(Rsvp.event_id)
        ).all()
    )


def _connections_made(person: User, event_ids: list[int]) -> dict[int, list[ConnectionMade]]:
    """The person's connections (still standing) made at each event, where
    they may be told the other attended it (attendance_shown: "met at" on a
    card says it as much as My network does)."""
    other = or_(
        and_(Connection.first_id == person.id, User.id == Connection.second_id),
        and_(Connection.second_id == person.id, User.id == Connection.first_id),
    )
    theirs = aliased(Rsvp)
    told = (
        exists()
        .where(theirs.event_id == Connection.event_id, theirs.user_id == User.id)
        .where(attendance_shown_condition(theirs))
    )
    found: dict[int, list[ConnectionMade]] = {}
    for row in db.session.execute(
        select(
            Connection.event_id, User.id, User.display_name, User.profile_visibility,
            User.deleted_at,
        )
        .join(User, other)
        .where(Connection.event_id.in_(event_ids), told)
        .order_by(func.lower(User.display_name), User.id)
    ):  # fmt: skip
        found.setdefault(row.event_id, []).append(
            ConnectionMade(row.id, row.display_name, can_see_profile(person, row))
        )
    return found
