"""Stored suggestions: per event, the last build and each person's candidates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.models.types import UTCDateTime, utcnow


class SuggestionBuild(db.Model):
    """The last scoring of an event's room, and the version of the room it
    scored (a hash of who is going and of the fields scoring reads)."""

    __tablename__ = "suggestion_build"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(64))
    people: Mapped[int] = mapped_column(default=0)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SuggestionList(db.Model):
    """One person's scored candidates at one event: a JSON list of
    [candidate id, score, [[kind, subject, value], ...]], best first. One row
    per person, read in one piece: the page and the follow-up read whole lists."""

    __tablename__ = "suggestion_list"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    candidates: Mapped[list[Any]] = mapped_column(JSON)
