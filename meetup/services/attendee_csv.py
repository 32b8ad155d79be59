"""The hosts' CSV of an event's replies, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from meetup.models import Event, User
from meetup.services.questions import list_questions
from meetup.services.rsvps import list_replies

# A cell starting with one of these is a formula to Excel, LibreOffice and
# Google Sheets (OWASP "CSV injection"): a name like "=HYPERLINK(...)" would run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def replies_csv(actor: User, event: Event) -> str:
    """Name, email, status, guests, one column per question, checked in; in two
    queries whatever the number of replies.

    :raise PermissionDenied: `actor` is not a host.
    """
    replies = list_replies(actor, event)
    questions = list_questions(event)
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["name", "email", "status", "guests", *(q.label for q in questions), "checked in"]
    writer.writerow([safe_cell(value) for value in header])
    for reply in replies:
        row = [
            reply.display_name,
            reply.email,
            reply.status.value,
            reply.guests,
            *(reply.answers.get(str(q.id), "") for q in questions),
            reply.checked_in_at.isoformat() if reply.checked_in_at else "",
        ]
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def safe_cell(value: object) -> object:
    """The value, made inert for spreadsheets when it would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # shown as text, the quote hidden by spreadsheets
    return value
