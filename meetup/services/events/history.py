"""An event's history: what its hosts changed, when, and who did it.

Services that change an event on a host's behalf record one line here, in
the same transaction; the hosts read the latest lines on their tools.
Attendees' own actions are not history of the event (replies keep theirs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from meetup.extensions import db
from meetup.models import Event, EventChange, User
from meetup.models.event import EVENT_CHANGE_MAX_LENGTH
from meetup.models.types import utcnow

HISTORY_SHOWN = 20


@dataclass(frozen=True)
class HistoryLine:
    summary: str
    actor_name: str | None  # None: the host has since deleted their account
    changed_at: datetime


def record_change(
    event: Event, actor: User | None, summary: str, *, now: datetime | None = None
) -> None:
    """Add one line to `event`'s history ("Changed the follow-up message")."""
    db.session.add(
        EventChange(
            event_id=event.id,
            actor_id=actor.id if actor is not None else None,
            summary=summary[:EVENT_CHANGE_MAX_LENGTH],
            changed_at=now or utcnow(),
        )
    )


def latest_changes(event: Event, *, limit: int = HISTORY_SHOWN) -> list[HistoryLine]:
    """The latest changes to `event`, newest first, in one query. For hosts'
    pages only: the service building one checks the viewer hosts it."""
    changes = db.session.scalars(
        select(EventChange)
        .where(EventChange.event_id == event.id)
        .order_by(EventChange.changed_at.desc(), EventChange.id.desc())
        .limit(limit)
        .options(joinedload(EventChange.actor))
    )
    return [
        HistoryLine(
            summary=change.summary,
            actor_name=change.actor.display_name if change.actor is not None else None,
            changed_at=change.changed_at,
        )
        for change in changes
    ]
