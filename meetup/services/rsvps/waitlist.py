"""The waitlist's own order: where a newcomer joins, how a gap closes, who
comes first. Only seats.change_status and seats.promote_waitlist move it,
under the event's lock, so the places stay 1..n without gaps or repeats."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update

from meetup.extensions import db
from meetup.models import Event, Rsvp, RsvpStatus
from meetup.services.privacy import members_event_condition


def next_position(event_id: int) -> int:
    """The place of one more person on the waitlist: the last. Count it
    before changing the reply's status, so autoflush cannot count the reply."""
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Rsvp)
        .where(Rsvp.event_id == event_id, Rsvp.status == RsvpStatus.WAITLISTED)
    )
    return waiting + 1


def close_gap(event_id: int, position: int) -> None:
    """Someone left place `position`: everyone behind it moves up one."""
    db.session.execute(
        update(Rsvp)
        .where(
            Rsvp.event_id == event_id,
            Rsvp.status == RsvpStatus.WAITLISTED,
            Rsvp.waitlist_position > position,
        )
        .values(waitlist_position=Rsvp.waitlist_position - 1)
        .execution_options(synchronize_session="fetch")
    )


def in_order(event_id: int) -> Sequence[Rsvp]:
    """The replies waiting that may take a seat, first come first: for a
    community's members-only event, only the people who may still see it (a
    person removed from the community keeps their place, but is never given
    a seat, nor sent the event's details with it)."""
    return db.session.scalars(
        select(Rsvp)
        .join(Event, Event.id == Rsvp.event_id)
        .where(
            Rsvp.event_id == event_id,
            Rsvp.status == RsvpStatus.WAITLISTED,
            members_event_condition(Rsvp.user_id),
        )
        .order_by(Rsvp.waitlist_position, Rsvp.id)
    ).all()
