"""What a person did that reaches someone else, kept a day for the daily caps."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.models.types import UTCDateTime, enum_column, utcnow


class ActionKind(enum.StrEnum):
    CONNECTION_REQUEST = "connection_request"  # a request that emailed its addressee
    TICK = "tick"  # a "stay in touch" tick


class PersonAction(db.Model):
    """One action of `actor_id`'s, counted by a daily cap. The rows an action
    made (a request, a tick) may go (a block, a withdrawal, an untick, the
    other person's deleted account); this stays until its day is over."""

    __tablename__ = "person_action"
    __table_args__ = (Index("ix_person_action_actor", "actor_id", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[ActionKind] = mapped_column(enum_column(ActionKind, 32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
