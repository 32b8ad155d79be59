"""Replies to events: who is going, waiting or asking, with each change kept."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.models.event import Event
from meetup.models.types import UTCDateTime, enum_column, utcnow
from meetup.models.user import User

QUESTION_LABEL_MAX_LENGTH = 200
CHOICE_MAX_LENGTH = 100


class RsvpStatus(enum.StrEnum):
    GOING = "going"
    WAITLISTED = "waitlisted"
    PENDING = "pending"  # awaiting a host's approval
    NOT_GOING = "not_going"  # said they can't go, or withdrew
    DECLINED = "declined"  # a host refused the approval request
    REMOVED = "removed"  # a host removed them


class DirectoryChoice(enum.StrEnum):
    """A person's choice for one event's attendee directory; no choice
    (None) follows their privacy setting."""

    SHOWN = "shown"
    HIDDEN = "hidden"


# Statuses that hold, or wait for, a seat.
ACTIVE_STATUSES = frozenset({RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.PENDING})


class Rsvp(db.Model):
    """One person's reply to one event."""

    __tablename__ = "rsvp"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_rsvp_event_status", "event_id", "status", "waitlist_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RsvpStatus] = mapped_column(enum_column(RsvpStatus, 16))
    guests: Mapped[int] = mapped_column(default=0)
    # Question id (as a string: JSON object keys) -> the answer given.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # 1, 2, 3... among the event's waitlisted replies; None otherwise.
    waitlist_position: Mapped[int | None]
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    directory_choice: Mapped[DirectoryChoice | None] = mapped_column(
        enum_column(DirectoryChoice, 8)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()
    changes: Mapped[list[RsvpChange]] = relationship(
        back_populates="rsvp",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RsvpChange.id",
    )

    @property
    def party_size(self) -> int:
        """Seats this reply takes: the person and their guests."""
        return 1 + self.guests

    def __repr__(self) -> str:
        return f"<Rsvp {self.id} event={self.event_id} user={self.user_id} {self.status}>"


class RsvpChange(db.Model):
    """A status change of a reply: who made it, when, from what to what."""

    __tablename__ = "rsvp_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    rsvp_id: Mapped[int] = mapped_column(ForeignKey("rsvp.id", ondelete="CASCADE"), index=True)
    # The person themselves, a host, or None: the waitlist moved on its own, or
    # the host who acted has since deleted their account.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    from_status: Mapped[RsvpStatus | None] = mapped_column(enum_column(RsvpStatus, 16))
    to_status: Mapped[RsvpStatus] = mapped_column(enum_column(RsvpStatus, 16))
    note: Mapped[str] = mapped_column(String(1000), default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rsvp: Mapped[Rsvp] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship()


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"  # one of `choices`


class EventQuestion(db.Model):
    """A registration question the hosts ask everyone who replies "going"."""

    __tablename__ = "event_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, 16))
    label: Mapped[str] = mapped_column(String(QUESTION_LABEL_MAX_LENGTH))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_required: Mapped[bool] = mapped_column(server_default=false())
