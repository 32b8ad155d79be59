"""Mail as data: queue messages in the caller's transaction (compose builds
them for delivery).

A service that wants to send mail calls queue_mail (or queue_mail_bulk) in the
same transaction as the change that caused it: if that rolls back, the mail
never existed; if it commits, the mail worker (meetup.mail.delivery) delivers it.
Nothing here talks to an SMTP server.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from typing import Any

from flask import current_app

from meetup.database import insert_ignoring_conflicts
from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.lib.text import normalize_email
from meetup.models import OutboxMessage, OutboxStatus
from meetup.models.types import utcnow

SUBJECT_MAX_LENGTH = 255
CALENDAR_METHODS = frozenset({"PUBLISH", "REQUEST", "REPLY", "CANCEL"})
# Extra headers a caller may set; the others (From, To, Subject, Date,
# Message-ID, MIME structure) belong to the builder.
ALLOWED_HEADERS = frozenset(
    {"List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Reply-To", "Auto-Submitted"}
)
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")


@dataclass(frozen=True)
class Mail:
    """One message to queue. `template` names templates/emails/<template>.txt
    and .html; `context` must be JSON-serialisable (it is stored). `user_id`
    is the member the message concerns, when there is one: My data and
    account deletion find the person's mail by it."""

    to: str
    subject: str
    template: str
    dedupe_key: str
    user_id: int | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    calendar: str | None = None
    calendar_method: str | None = None


def queue_mail(mail: Mail) -> bool:
    """Add one message to the outbox, in the caller's transaction.

    :return: False if a message with this dedupe_key already exists (nothing added).
    """
    return queue_mail_bulk([mail]) == 1


def queue_mail_bulk(mails: Iterable[Mail]) -> int:
    """Add many messages with one multi-row INSERT; skip existing dedupe keys.

    :return: how many were added.
    """
    now = utcnow()
    domain = mail_domain()
    rows = [_row(mail, now=now, domain=domain) for mail in mails]
    if not rows:
        return 0
    table = OutboxMessage.__table__
    insert = insert_ignoring_conflicts(db.session, table, unique=["dedupe_key"])
    # RETURNING yields only the rows really inserted (SQLAlchemy batches them
    # into multi-row INSERTs on both PostgreSQL and SQLite).
    inserted = db.session.execute(insert.returning(table.c.id), rows).all()
    return len(inserted)


def _row(mail: Mail, *, now: Any, domain: str) -> dict[str, Any]:
    has_calendar = mail.calendar is not None or "invitation" in mail.context
    if has_calendar and mail.calendar_method not in CALENDAR_METHODS:
        raise ValueError(f"calendar part needs a METHOD, one of {sorted(CALENDAR_METHODS)}")
    unknown = set(mail.headers) - ALLOWED_HEADERS
    if unknown:
        raise ValueError(f"headers not allowed in queued mail: {sorted(unknown)}")
    try:
        recipient = normalize_email(mail.to)
    except InvalidInput as error:
        raise ValueError(f"cannot queue mail to {mail.to!r}: {error.message}") from None
    return {
        "dedupe_key": mail.dedupe_key,
        "recipient": recipient,
        "user_id": mail.user_id,
        "subject": header_text(mail.subject)[:SUBJECT_MAX_LENGTH],
        "template": mail.template,
        "context": dict(mail.context),
        "headers": {name: header_text(value) for name, value in mail.headers.items()},
        "calendar": mail.calendar,
        "calendar_method": mail.calendar_method,
        "message_id": f"<{secrets.token_hex(16)}@{domain}>",
        "status": OutboxStatus.QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def header_text(value: str) -> str:
    """Make text safe for a header: line breaks (the way to inject headers) become
    spaces. People's names and event titles end up in subjects; encoded-word
    look-alikes in them are escaped when the message is built (see _header)."""
    return " ".join(_LINE_BREAKS.sub(" ", value).split())


def mail_domain() -> str:
    """The domain of the sending address, used in Message-IDs."""
    return Address(addr_spec=current_app.config["MAIL_FROM_ADDRESS"]).domain
