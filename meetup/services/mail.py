"""Mail as data: queue messages in the caller's transaction; build them for delivery.

A service that wants to send mail calls queue_mail (or queue_mail_bulk) in the
same transaction as the change that caused it: if that rolls back, the mail
never existed; if it commits, the worker (services.delivery) delivers it.
Nothing here talks to an SMTP server.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import Any

from flask import current_app, render_template

from meetup.database import insert_ignoring_conflicts
from meetup.extensions import db
from meetup.models import OutboxMessage, OutboxStatus
from meetup.models.types import utcnow
from meetup.services.errors import InvalidInput
from meetup.services.ical import invitation_file
from meetup.services.text import ascii_address, normalize_email

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


def render_bodies(message: OutboxMessage) -> tuple[str, str]:
    """Render the text and HTML bodies of a queued message."""
    context = {**message.context, "subject": message.subject}
    text = render_template(f"emails/{message.template}.txt", **context)
    html = render_template(f"emails/{message.template}.html", **context)
    return text, html


def build_message(message: OutboxMessage) -> Message:
    """Build the MIME message for a queued row.

    Layout: multipart/alternative (text, HTML, and text/calendar with its
    method= when there is a calendar part: the queued file, or the invitation
    built now from its snapshot); with a calendar, that sits in a
    multipart/mixed beside the same file as an invite.ics attachment.

    Built with the email.mime classes (email.message.Message underneath):
    four times faster than EmailMessage's header registry, which decides the
    worker's throughput. Header values were made single-line when queued;
    _header() refuses any line break that still got here.
    """
    config = current_app.config
    text, html = render_bodies(message)
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText(text, "plain", _UTF8_QP))
    alternative.attach(MIMEText(html, "html", _UTF8_QP))
    calendar_text = message.calendar
    if calendar_text is None and "invitation" in message.context:
        calendar_text = invitation_file(
            message.context["invitation"],
            attendee_email=message.recipient,
            attendee_name=message.context.get("name", ""),
            alarm_minutes=message.context.get("alarm_minutes"),
            now=utcnow(),
        )
    if calendar_text is None:
        email = alternative
    else:
        calendar = MIMEText(calendar_text, "calendar", _UTF8_QP)
        calendar.set_param("method", message.calendar_method)
        alternative.attach(calendar)
        attachment = MIMEApplication(calendar_text.encode(), "ics")
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        email = MIMEMultipart("mixed")
        email.attach(alternative)
        email.attach(attachment)
    sender = formataddr((config["MAIL_FROM_NAME"], config["MAIL_FROM_ADDRESS"]), "utf-8")
    email["From"] = _header(sender)
    email["To"] = _header(ascii_address(message.recipient))
    email["Subject"] = _header(message.subject, is_text=True)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = _header(message.message_id)
    for name, value in message.headers.items():
        email[name] = _header(value)
    return email


def _header(value: str, *, is_text: bool = False) -> str | Header:
    """A header value ready for the generator; `is_text` for text people typed.

    Such text may hold "=?utf-8?q?...?=", which mail readers decode as an
    RFC 2047 encoded word into whatever it spells (line breaks, fake
    headers). Text holding "=?" is sent encoded as a whole, like non-ASCII
    text: its "=" and "?" travel escaped, and readers show exactly what was
    typed. Addresses and ids are not text: formataddr encodes the names in
    them, and "=?" is a legitimate part of those.
    """
    if "\r" in value or "\n" in value:
        raise ValueError(f"line break in a header value: {value!r}")
    if value.isascii() and not (is_text and "=?" in value):
        return value
    return Header(value, "utf-8")


_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
