"""A cache: one event's VEVENT, serialized once per version and variant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.models.types import UTCDateTime


class EventCalendarEntry(db.Model):
    """The VEVENT text of an event as one kind of reader sees it (the variant:
    with or without the online link, tentative or not), for the event's
    version (sequence and updated_at copied from the event when it was built)
    and the code's format (services.calendar.entries.FORMAT). A row whose
    version or format no longer matches the event is never read, and is
    overwritten by the next build of the same (event, variant).

    `body` has a placeholder DTSTAMP (each file puts its own); `alarm` is the
    VALARM for this event with a placeholder trigger (each reader's own),
    empty for a cancelled event, None until a reader with a reminder needs it."""

    __tablename__ = "event_calendar_entry"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    variant: Mapped[str] = mapped_column(String(16), primary_key=True)
    sequence: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    alarm: Mapped[str | None] = mapped_column(Text)
