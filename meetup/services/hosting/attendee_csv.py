"""The hosts' CSV of an event's replies, safe to open in a spreadsheet."""

from __future__ import annotations

from meetup.lib.spreadsheets import csv_text
from meetup.models import Event, User
from meetup.services.events.questions import list_questions
from meetup.services.rsvps.read_models import list_replies


def replies_csv(actor: User, event: Event) -> str:
    """Name, email, status, guests, one column per question, checked in; in two
    queries whatever the number of replies.

    :raise PermissionDenied: `actor` is not a host.
    """
    replies = list_replies(actor, event)
    questions = list_questions(event)
    header = ["name", "email", "status", "guests", *(q.label for q in questions), "checked in"]
    rows = (
        [
            reply.display_name,
            reply.email,
            reply.status.value,
            reply.guests,
            *(reply.answers.get(str(q.id), "") for q in questions),
            reply.checked_in_at.isoformat() if reply.checked_in_at else "",
        ]
        for reply in replies
    )
    return csv_text([header, *rows])
