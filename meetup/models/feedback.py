"""What people who attended an event say about it afterwards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.models.types import UTCDateTime, utcnow

COMMENT_MAX_LENGTH = 2000


class Feedback(db.Model):
    """One person's answer about one event: a rating from 1 to 5, whether they
    would come again, an optional plain-text comment.

    Anonymous to the hosts unless `is_signed`. `user_id` is kept only so the
    person can find and change their own answer (once per person and event);
    erasing the account sets it to NULL and unsigns the answer, which stays
    in the hosts' figures.
    """

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_feedback_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    rating: Mapped[int]
    is_coming_again: Mapped[bool]
    comment: Mapped[str] = mapped_column(String(COMMENT_MAX_LENGTH), default="", server_default="")
    is_signed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
