"""Replies to events: who is going, waiting or asking, with each change kept."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.lib.folding import folded_for_sorting
from meetup.models.event import Event
from meetup.models.types import UTCDateTime, enum_column, utcnow
from meetup.models.user import DISPLAY_NAME_MAX_LENGTH, User

SORT_NAME_MAX_LENGTH = 2 * DISPLAY_NAME_MAX_LENGTH
# Compared byte by byte on PostgreSQL too (as SQLite does), so the order is
# the same on both and in every database locale.
SORT_NAME_TYPE = String(SORT_NAME_MAX_LENGTH).with_variant(
    String(SORT_NAME_MAX_LENGTH, collation="C"), "postgresql"
)


def name_sort_key(display_name: str) -> str:
    """What a list of people orders a person by (Rsvp.sort_name)."""
    return folded_for_sorting(display_name, max_length=SORT_NAME_MAX_LENGTH)


def _sort_name_of_user(context: DefaultExecutionContext) -> str:
    """A reply inserted without its sort key (by user id, in bulk): read
    the person's name. Services pass it (Rsvp(user=...) does), saving this."""
    user_id = context.get_current_parameters()["user_id"]
    name = context.connection.scalar(select(User.display_name).where(User.id == user_id))
    return name_sort_key(name or "")


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
        # The directory reads a page of an event's people in name order, and
        # counts them from this index alone (the last two columns).
        Index(
            "ix_rsvp_directory",
            "event_id",
            "status",
            "sort_name",
            "user_id",
            "directory_choice",
            "is_person_listed",
        ),
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
    # Copies of the person's, for the directory's index (services.accounts.copies
    # keeps them current): their display name folded for sorting
    # (name_sort_key()), and whether they are listed by default
    # (privacy.is_listed_by_default; the reply's own choice is directory_choice).
    sort_name: Mapped[str] = mapped_column(SORT_NAME_TYPE, default=_sort_name_of_user)
    is_person_listed: Mapped[bool]

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()
    changes: Mapped[list[RsvpChange]] = relationship(
        back_populates="rsvp",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RsvpChange.id",
    )

    def __init__(self, **fields: Any) -> None:
        # Given the person, their sort key costs nothing; else the insert reads it.
        user = fields.get("user")
        if user is not None and "sort_name" not in fields:
            fields["sort_name"] = name_sort_key(user.display_name)
        super().__init__(**fields)

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
