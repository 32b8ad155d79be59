"""The waitlist's own order: where a newcomer joins, how a gap closes, who
comes first. Only seats.change_status and seats.promote_waitlist move it,
under the event's lock, so the places stay 1..n without gaps or repeats."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update

from meetup.extensions import db
from meetup.models import Rsvp, RsvpStatus


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
    """The replies waiting, first come first."""
    return db.session.scalars(
        select(Rsvp)
        .where(Rsvp.event_id == event_id, Rsvp.status == RsvpStatus.WAITLISTED)
        .order_by(Rsvp.waitlist_position, Rsvp.id)
    ).all()
