"""Blocking a person: silent, and both ways in effect. The two no longer see
each other in directories, profile lists and suggestions, see each other's
profile only as a visitor would, cannot reach each other, and a connection
between them ends; a host's own management pages still show everyone who
replied. Silent means the person blocked cannot tell it from outside: what
they see ends as it could have without a block (_end_between).

One may block only a person one knows of (may_block): the form is no way to
learn who has an account, and the blocked list names nobody one could not
see before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, or_, select, update

from meetup.database import insert_ignoring_conflicts
from meetup.extensions import db
from meetup.lib.errors import NotFound
from meetup.models import (
    Block,
    Connection,
    ConnectionRequest,
    RequestStatus,
    StayInTouch,
    User,
)
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.connections.pairs import ordered_pair
from meetup.services.rsvps.attendance import met_at


def block_person(actor: User, person_id: int) -> None:
    """Block `person_id` (blocking twice changes nothing).

    :raise NotFound: no such person, oneself, or someone `actor` does not
        know of (see may_block): the same answer for each.
    """
    person = db.session.get(User, person_id)
    if person is None or not may_block(actor, person):
        raise NotFound("There is no such person.")
    table = Block.__table__
    db.session.execute(
        insert_ignoring_conflicts(db.session, table, unique=["blocker_id", "blocked_id"]),
        [{"blocker_id": actor.id, "blocked_id": person.id, "created_at": utcnow()}],
    )
    _end_between(actor.id, person.id, now=utcnow())
    privacy.forget_blocks(actor)


def _end_between(blocker_id: int, blocked_id: int, *, now: datetime) -> None:
    """A block, silent to the person blocked: what they see ends as it could
    have without one. The connection goes (as if removed), the blocker's
    waiting requests are withdrawn and their ticks go; the blocked person's
    waiting requests are ignored (they look waiting to their asker, as an
    ignored one does, and wait for nobody) and their ticks stay in their own
    My data, inert while the block lasts. An ignored request stays: blocking
    and unblocking must not let its asker ask again before IGNORED_FOR."""
    first, second = ordered_pair(blocker_id, blocked_id)
    db.session.execute(
        delete(Connection).where(Connection.first_id == first, Connection.second_id == second)
    )
    db.session.execute(
        delete(StayInTouch).where(
            StayInTouch.ticker_id == blocker_id, StayInTouch.ticked_id == blocked_id
        )
    )
    # The blocker's requests go as a withdrawal takes them, the ignored ones
    # too (to their asker they were waiting: they must end alike), keeping
    # when they were ignored (request_states.recently_ignored_condition).
    waiting, pending = (RequestStatus.PENDING, RequestStatus.IGNORED), (RequestStatus.PENDING,)
    for asker_id, person_id, statuses, values in (
        (blocker_id, blocked_id, waiting, {"status": RequestStatus.WITHDRAWN}),
        (blocked_id, blocker_id, pending, {"status": RequestStatus.IGNORED, "answered_at": now}),
    ):
        db.session.execute(
            update(ConnectionRequest)
            .where(
                ConnectionRequest.requester_id == asker_id,
                ConnectionRequest.addressee_id == person_id,
                ConnectionRequest.status.in_(statuses),
            )
            .values(**values)
            .execution_options(synchronize_session="fetch")
        )


def may_block(actor: User, person: User) -> bool:
    """Does `actor` know of `person` enough to block them: may see their
    profile or find them in an event's list, blocks aside (a block either
    way must not change the answer, or blocking would reveal one); met them
    at an event; heard from them (a request, a connection); or blocked them
    already (blocking twice changes nothing)."""
    if person.deleted_at is not None or person.id == actor.id:
        return False
    if privacy.sees_profile(actor.id, person, blocked=frozenset()):
        return True
    if _heard_from_or_blocked(actor, person) or privacy.shown_in_some_list(actor, person):
        return True
    return bool(met_at(actor.id, [person.id], now=utcnow())[person.id])


def _heard_from_or_blocked(actor: User, person: User) -> bool:
    asked = exists().where(
        ConnectionRequest.requester_id == person.id, ConnectionRequest.addressee_id == actor.id
    )
    blocked = exists().where(Block.blocker_id == actor.id, Block.blocked_id == person.id)
    return bool(
        db.session.scalar(select(or_(asked, blocked))) or privacy.are_connected(actor.id, person.id)
    )


def unblock_person(actor: User, person_id: int) -> None:
    """Undo `actor`'s own block (never someone else's of them).

    :raise NotFound: `actor` did not block that person.
    """
    ended = db.session.execute(
        delete(Block).where(Block.blocker_id == actor.id, Block.blocked_id == person_id)
    )
    if ended.rowcount == 0:
        raise NotFound("You have not blocked this person.")
    privacy.forget_blocks(actor)


@dataclass(frozen=True)
class BlockedPerson:
    user_id: int
    display_name: str


def blocked_by(actor: User) -> list[BlockedPerson]:
    """The people `actor` blocked (never those who blocked `actor`), by
    their display name: only people `actor` knew of could be blocked
    (may_block), and a name is all the list shows of them."""
    return [
        BlockedPerson(user_id, name)
        for user_id, name in db.session.execute(
            select(User.id, User.display_name)
            .join(Block, Block.blocked_id == User.id)
            .where(Block.blocker_id == actor.id, User.deleted_at.is_(None))
            .order_by(User.display_name, User.id)
        )
    ]
