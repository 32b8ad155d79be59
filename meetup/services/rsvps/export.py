"""A person's replies, with answers and history, for My data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from meetup.extensions import db
from meetup.models import (
    Rsvp,
    User,
)
from meetup.services.events.questions import list_questions


def export_replies(person: User) -> list[dict[str, Any]]:
    """The person's replies for their data export, with answers and history."""
    rsvps = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.user_id == person.id)
        .options(joinedload(Rsvp.event), selectinload(Rsvp.changes))
        .order_by(Rsvp.id)
    )
    exported = []
    for rsvp in rsvps:
        labels = {str(q.id): q.label for q in list_questions(rsvp.event)}
        exported.append(
            {
                "event": rsvp.event.title,
                "slug": rsvp.event.slug,
                "status": rsvp.status.value,
                "guests": rsvp.guests,
                "waitlist_position": rsvp.waitlist_position,
                "answers": [
                    {"question": labels.get(key, "(a question the hosts removed)"), "answer": value}
                    for key, value in rsvp.answers.items()
                ],
                "replied_at": rsvp.created_at.isoformat(),
                "checked_in_at": rsvp.checked_in_at.isoformat() if rsvp.checked_in_at else None,
                "directory_choice": rsvp.directory_choice.value if rsvp.directory_choice else None,
                "history": [
                    {
                        "at": change.changed_at.isoformat(),
                        "from": change.from_status.value if change.from_status else None,
                        "to": change.to_status.value,
                        "by_self": change.actor_id == person.id,
                        "note": change.note,
                    }
                    for change in rsvp.changes
                ],
            }
        )
    return exported
