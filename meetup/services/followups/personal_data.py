"""The follow-ups part of My data (services.personal_data registers it):
which events' follow-ups the person was sent, and their erasure."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from meetup.extensions import db
from meetup.models import Event, Followup, User


def export_followups(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Event.title, Event.slug, Followup.kind, Followup.queued_at)
        .join(Event, Event.id == Followup.event_id)
        .where(Followup.user_id == user.id)
        .order_by(Followup.queued_at, Followup.id)
    )
    return [
        {"event": title, "slug": slug, "kind": kind.value, "queued_at": at.isoformat()}
        for title, slug, kind, at in rows
    ]


def erase_followups(user: User) -> None:
    db.session.execute(delete(Followup).where(Followup.user_id == user.id))
