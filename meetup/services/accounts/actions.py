"""What a person did that reaches someone else, counted for the daily caps.

A cap counts the actions themselves (PersonAction), never the rows they
left: a block, a withdrawal, an untick, a removed connection or the other
person's deleted account takes those away, and would otherwise give the
place back. Requests and ticks count here; a later kind (thanks) adds an
ActionKind and calls the same two functions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.models import ActionKind, PersonAction, User

DAY = timedelta(days=1)


def require_under_cap(
    actor: User, kind: ActionKind, *, per_day: int, now: datetime, refusal: str
) -> None:
    """:raise InvalidInput: (saying `refusal`) `actor` did `kind` `per_day`
    times in the last day."""
    done = db.session.scalar(
        select(func.count())
        .select_from(PersonAction)
        .where(
            PersonAction.actor_id == actor.id,
            PersonAction.kind == kind,
            PersonAction.created_at > now - DAY,
        )
    )
    if done >= per_day:
        raise InvalidInput(refusal)


def record_action(actor: User, kind: ActionKind, *, now: datetime) -> None:
    """Count one `kind` of `actor`'s; what no cap counts any more goes (a
    day is the longest any cap looks back)."""
    db.session.execute(
        delete(PersonAction).where(
            PersonAction.actor_id == actor.id, PersonAction.created_at <= now - DAY
        )
    )
    db.session.add(PersonAction(actor_id=actor.id, kind=kind, created_at=now))
    db.session.flush()


def export_actions(user: User) -> list[dict[str, str]]:
    """My data: the actions still counted (the last day's)."""
    rows = db.session.execute(
        select(PersonAction.kind, PersonAction.created_at)
        .where(PersonAction.actor_id == user.id)
        .order_by(PersonAction.created_at, PersonAction.id)
    )
    return [{"kind": kind.value, "at": at.isoformat()} for kind, at in rows]


def erase_actions(user: User) -> None:
    db.session.execute(delete(PersonAction).where(PersonAction.actor_id == user.id))
