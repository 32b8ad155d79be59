"""The transactional outbox: mail waiting to be delivered, or delivered."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.models.types import UTCDateTime, enum_column, utcnow
from meetup.models.user import EMAIL_MAX_LENGTH


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for its next attempt (or claimed by a worker)
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # refused for good, or out of attempts: kept for the operator


class OutboxMessage(db.Model):
    """One email to one recipient.

    The row holds what to render, not the rendered message: a template name
    under templates/emails/ and its JSON context, rendered by the worker. That
    keeps queuing cheap (a 2,000-recipient send is one bulk INSERT) and the
    worker the only place that builds MIME. A calendar part, when present, is
    stored finished, with its iTIP METHOD.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    recipient: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), index=True)
    # The member the message concerns (its recipient, or for a confirmation
    # to a new address the account asking): found by it for My data and
    # account deletion. None for mail to people without an account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(255))
    template: Mapped[str] = mapped_column(String(100))
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(16))
    # Fixed when queued, so a retried delivery carries the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(255))

    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, 16), default=OutboxStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The lease: a worker owns the row until then; a crashed worker's rows
    # become due again when it runs out.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} to {self.recipient} {self.status}>"
