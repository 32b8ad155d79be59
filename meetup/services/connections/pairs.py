"""A pair of people: locking it, connecting it, and what connecting settles.

Two people asking or ticking each other at the same moment end with one
connection: whatever they do to each other runs with the pair locked
(lock_pair), and connect_pair connects them once and answers the requests
between them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update

from meetup.extensions import db
from meetup.models import Connection, ConnectionRequest, RequestStatus, StayInTouch, User
from meetup.services import privacy
from meetup.services.connections.request_states import between


def ordered_pair(first: int, second: int) -> tuple[int, int]:
    """The two ids as a connection stores them: the lower first."""
    return (first, second) if first < second else (second, first)


def is_connected(first_id: int, second_id: int) -> bool:
    """Are the two people connected (privacy.are_connected)?"""
    return privacy.are_connected(first_id, second_id)


def connect_pair(
    first_id: int, second_id: int, *, event_id: int | None, now: datetime
) -> Connection | None:
    """Connect two people (the caller locked the pair, see lock_pair) and
    settle the requests between them that still wait: they are answered.

    :return: the new connection, or None if they were connected already.
    """
    first, second = ordered_pair(first_id, second_id)
    connection = None
    if not is_connected(first, second):
        connection = Connection(first_id=first, second_id=second, event_id=event_id, created_at=now)
        db.session.add(connection)
    db.session.execute(
        update(ConnectionRequest)
        .where(
            between(first, second),
            # An ignored request looks waiting to its asker: settled too.
            ConnectionRequest.status.in_((RequestStatus.PENDING, RequestStatus.IGNORED)),
        )
        .values(status=RequestStatus.ACCEPTED, answered_at=now)
        .execution_options(synchronize_session="fetch")
    )
    # Connecting ends the ignores between them: what one asks after a
    # removal reaches the other again.
    db.session.execute(
        update(ConnectionRequest)
        .where(between(first, second), ConnectionRequest.status == RequestStatus.WITHDRAWN)
        .values(answered_at=None)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    return connection


def lock_pair(first_id: int, second_id: int) -> None:
    """Serialise what two people do to each other: both rows locked, lower id
    first (PostgreSQL; on SQLite the write transaction is already exclusive)."""
    db.session.execute(
        select(User.id)
        .where(User.id.in_(ordered_pair(first_id, second_id)))
        .order_by(User.id)
        .with_for_update()
    )


def forget_ticks_between(first_id: int, second_id: int) -> None:
    """Their ticks of each other, any event: gone."""
    db.session.execute(
        delete(StayInTouch).where(
            or_(
                and_(StayInTouch.ticker_id == first_id, StayInTouch.ticked_id == second_id),
                and_(StayInTouch.ticker_id == second_id, StayInTouch.ticked_id == first_id),
            )
        )
    )
