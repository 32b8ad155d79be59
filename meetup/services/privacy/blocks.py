"""Blocks: the two people of a block no longer see each other anywhere but a
host's management pages. Every other privacy fact reads them from here."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, exists, select, true

from meetup.database import both_in
from meetup.extensions import db
from meetup.models import Block, User


def blocked_ids(viewer: User) -> frozenset[int]:
    """The people `viewer` blocked and the people who blocked them: the two
    no longer see each other anywhere but a host's management pages. Read
    once per request (kept on the viewer's object until a block changes)."""
    cached = getattr(viewer, "_blocked_ids", None)
    if cached is None:
        cached = frozenset(
            db.session.scalars(
                select(Block.blocked_id).where(Block.blocker_id == viewer.id)
                .union(select(Block.blocker_id).where(Block.blocked_id == viewer.id))
            )
        )  # fmt: skip
        viewer._blocked_ids = cached  # type: ignore[attr-defined]
    return cached


def blocks_among(people: Any) -> dict[int, frozenset[int]]:
    """blocked_ids for a whole group at once (`people`: SQL selecting user
    ids, e.g. an event's replies): for each of them, the others in the group
    they blocked or who blocked them. One query, however large the group."""
    pairs: dict[int, set[int]] = {}
    for blocker, blocked in db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            both_in(Block.blocker_id, Block.blocked_id, people)
        )
    ):
        pairs.setdefault(blocker, set()).add(blocked)
        pairs.setdefault(blocked, set()).add(blocker)
    return {person: frozenset(others) for person, others in pairs.items()}


def forget_blocks(viewer: User) -> None:
    """After a block changes: read them again when next asked."""
    viewer._blocked_ids = None  # type: ignore[attr-defined]


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    """Did `blocker_id` block `blocked_id` (this way round)?"""
    return (
        db.session.scalar(
            select(Block.id).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
        )
        is not None
    )


def not_blocked_condition(viewer: User | None) -> Any:
    """SQL over User: neither this person nor `viewer` blocked the other."""
    if viewer is None:
        return true()
    return not_blocked(viewer.id)


@cache
def not_blocked_of_viewer() -> Any:
    """not_blocked_condition with the viewer's id as the parameter viewer_id."""
    return not_blocked(bindparam("viewer_id"))


def not_blocked(viewer_id: Any) -> Any:
    """not_blocked_condition (`viewer_id`: the viewer's id or a parameter)."""
    return and_(
        ~exists().where(Block.blocker_id == viewer_id, Block.blocked_id == User.id),
        ~exists().where(Block.blocker_id == User.id, Block.blocked_id == viewer_id),
    )
