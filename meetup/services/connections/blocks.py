"""Blocking a person: silent, and both ways in effect. The two no longer see
each other in directories, profiles, profile lists and suggestions, cannot
ask each other, and a connection between them ends; a host's own management
pages still show everyone who replied."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from meetup.database import insert_ignoring_conflicts
from meetup.extensions import db
from meetup.models import Block, User
from meetup.models.types import utcnow
from meetup.services.accounts import privacy
from meetup.services.connections.connections import end_between
from meetup.services.errors import NotFound


def block_person(actor: User, person_id: int) -> None:
    """Block `person_id` (blocking twice changes nothing).

    :raise NotFound: no such person, or oneself.
    """
    person = db.session.get(User, person_id)
    if person is None or person.deleted_at is not None or person.id == actor.id:
        raise NotFound("There is no such person.")
    table = Block.__table__
    db.session.execute(
        insert_ignoring_conflicts(db.session, table, unique=["blocker_id", "blocked_id"]),
        [{"blocker_id": actor.id, "blocked_id": person.id, "created_at": utcnow()}],
    )
    end_between(actor.id, person.id)
    privacy.forget_blocks(actor)


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
    """The people `actor` blocked (never those who blocked `actor`)."""
    return [
        BlockedPerson(user_id, name)
        for user_id, name in db.session.execute(
            select(User.id, User.display_name)
            .join(Block, Block.blocked_id == User.id)
            .where(Block.blocker_id == actor.id)
            .order_by(User.display_name, User.id)
        )
    ]
