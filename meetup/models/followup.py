"""The follow-up after an event: who got theirs, and which events are finished."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.models.types import UTCDateTime, enum_column, utcnow


class FollowupKind(enum.StrEnum):
    FULL = "full"  # attended (or check-in did not count): the people met, links
    MISSED = "missed"  # going but not checked in: "sorry we missed you"


class Followup(db.Model):
    """A person's follow-up for an event, queued (its outbox row is written in
    the same transaction). One row per (event, person): the unique key is
    what makes a rerun, a killed run or two runs at once queue it once."""

    __tablename__ = "followup"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_followup_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[FollowupKind] = mapped_column(enum_column(FollowupKind, 8))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowupDone(db.Model):
    """An event whose every person was due and handled: later runs skip it
    without reading its replies."""

    __tablename__ = "followup_done"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
