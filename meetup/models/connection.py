"""Connections between people: requests, accepted connections, and blocks."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.models.event import Event
from meetup.models.types import UTCDateTime, enum_column, utcnow
from meetup.models.user import User

NOTE_MAX_LENGTH = 300


class RequestStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for an answer (an ignored one looks so to its asker)
    ACCEPTED = "accepted"
    IGNORED = "ignored"  # silent: its asker is never told, and may not ask for 90 days
    WITHDRAWN = "withdrawn"


class ConnectionRequest(db.Model):
    """One person asking another to connect, with an optional note and the
    event where the asker met them (None: not at an event)."""

    __tablename__ = "connection_request"
    __table_args__ = (
        Index("ix_connection_request_addressee", "addressee_id", "status"),
        Index("ix_connection_request_pair", "requester_id", "addressee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    addressee_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH), server_default="")
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, 16), default=RequestStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it was accepted or ignored. A request asked while an ignore of its
    # asker holds is ignored at once and carries that ignore's time.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    addressee: Mapped[User] = relationship(foreign_keys=[addressee_id])
    event: Mapped[Event | None] = relationship()


class Connection(db.Model):
    """Two people connected, stored once per pair (lower id first)."""

    __tablename__ = "connection"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id"),
        CheckConstraint("first_id < second_id", name="ordered_pair"),
        Index("ix_connection_second", "second_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The event where they met when they connected, if any (they may meet again).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Block(db.Model):
    """One person blocking another: silent, and both ways in effect."""

    __tablename__ = "block"
    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id"),
        Index("ix_block_blocked", "blocked_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StayInTouch(db.Model):
    """A private tick: `ticker_id` would like to stay in touch with
    `ticked_id`, whom they saw in `event_id`'s directory. Nobody but the ticker
    ever sees it; two ticks of each other for the same event form a connection.

    One row per (ticker, ticked, event): a tick is said on one event's
    directory and can be taken back only in that event's window, so ticks of
    different events never pair up (an old tick its author can no longer
    untick must not connect anyone months later)."""

    __tablename__ = "stay_in_touch"
    __table_args__ = (
        UniqueConstraint("ticker_id", "ticked_id", "event_id"),
        Index("ix_stay_in_touch_ticked", "ticked_id"),
        Index("ix_stay_in_touch_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    ticked_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
