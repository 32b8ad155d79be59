"""Series: events that recur on a schedule ("first Thursday of every month,
19:00 Paris time"), and the occurrences made of them.

An occurrence is a real event (its page, replies, waitlist, follow-up),
linked to its series by a SeriesOccurrence row: a table of its own rather
than a column on event, so the event table keeps its triggers and its rows
through migrations on SQLite (as CommunityEvent does).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, String, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from meetup.extensions import db
from meetup.lib.schedules import Frequency, Schedule
from meetup.models.community import Community
from meetup.models.event import TITLE_MAX_LENGTH, Event
from meetup.models.types import UTCDateTime, enum_column, utcnow
from meetup.models.user import User


class SeriesStatus(enum.StrEnum):
    ACTIVE = "active"  # occurrences are created ahead as the schedule says
    ENDED = "ended"  # its hosts stopped it: no new occurrence; those made stay


class Series(db.Model):
    """A schedule and the occurrences made of it. What each new occurrence
    says (title, place, seats, questions, hosts) is copied from the series'
    latest occurrence that was not changed on its own (`template`): editing
    "this and following" changes those, so the next ones follow."""

    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Random and permanent: the UID of the series and of each occurrence in
    # every calendar (occurrences add their RECURRENCE-ID).
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: uuid.uuid4().hex)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    status: Mapped[SeriesStatus] = mapped_column(
        enum_column(SeriesStatus, 16), default=SeriesStatus.ACTIVE
    )
    # The community it belongs to (None: its hosts' own).
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community.id", ondelete="SET NULL"), index=True
    )
    # None once the person who made it deleted their account.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The schedule (lib.schedules.Schedule, column by column).
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, 16))
    interval: Mapped[int] = mapped_column(default=1)
    weekdays: Mapped[str] = mapped_column(String(20), default="")  # "0,3": Monday, Thursday
    month_day: Mapped[int | None]
    nth: Mapped[int | None]  # 1..4, or -1 for the last
    nth_weekday: Mapped[int | None]
    local_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    count: Mapped[int | None]
    duration_minutes: Mapped[int]
    # Raised by every change the series' calendar must see (its rule, its end).
    sequence: Mapped[int] = mapped_column(default=0)
    # The series this one continues ("this and following" split it there).
    continued_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_series.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    community: Mapped[Community | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            frequency=self.frequency,
            local_time=self.local_time,
            timezone=self.timezone,
            starts_on=self.starts_on,
            interval=self.interval,
            weekdays=tuple(int(day) for day in self.weekdays.split(",") if day),
            month_day=self.month_day,
            nth_weekday=(self.nth, self.nth_weekday) if self.nth is not None else None,
            until=self.until,
            count=self.count,
        )

    @schedule.setter
    def schedule(self, schedule: Schedule) -> None:
        self.frequency = schedule.frequency
        self.local_time = schedule.local_time
        self.timezone = schedule.timezone
        self.starts_on = schedule.starts_on
        self.interval = schedule.interval
        self.weekdays = ",".join(str(day) for day in sorted(schedule.weekdays))
        self.month_day = schedule.month_day
        self.nth, self.nth_weekday = schedule.nth_weekday or (None, None)
        self.until = schedule.until
        self.count = schedule.count

    def end_of(self, start: datetime) -> datetime:
        """A date's end: `duration_minutes` after `start` on the series' wall
        clock (an evening across a change of the clocks keeps its hours),
        in `start`'s own zone."""
        zone = ZoneInfo(self.timezone)
        local = start.astimezone(zone).replace(tzinfo=None) + timedelta(
            minutes=self.duration_minutes
        )
        return local.replace(tzinfo=zone).astimezone(start.tzinfo)

    @property
    def ical_uid(self) -> str:
        """The UID of the series, and of each of its occurrences, in calendars."""
        return f"{self.uid}@meetup"

    def __repr__(self) -> str:
        return f"<Series {self.id} {self.slug} {self.status}>"


class SeriesOccurrence(db.Model):
    """An event made for one date of a series."""

    __tablename__ = "series_occurrence"
    __table_args__ = (UniqueConstraint("series_id", "recurrence_at"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed by the unique constraint, which it leads.
    series_id: Mapped[int] = mapped_column(ForeignKey("event_series.id", ondelete="CASCADE"))
    # The start the schedule gave it (UTC): its RECURRENCE-ID in calendars,
    # which stays when the occurrence alone is moved.
    recurrence_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Its identity in calendars, fixed when it is made: the UID of the series
    # it was made in and the start it had there. A split moves it into the
    # series that continues (recurrence_at then follows the new rule) but
    # never this: calendars holding its invitation update that entry rather
    # than keep it beside a new one.
    calendar_uid: Mapped[str] = mapped_column(String(64))
    calendar_recurrence_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Changed on its own ("this occurrence"): later ones are not copied from it.
    is_detached: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When the series' followers were told of it (None: not yet).
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(
        backref=backref("series_link", uselist=False, cascade="all, delete-orphan")
    )
    series: Mapped[Series] = relationship()


class SeriesFollower(db.Model):
    """A person told of each new occurrence, without replying ahead."""

    __tablename__ = "series_follower"

    series_id: Mapped[int] = mapped_column(
        ForeignKey("event_series.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    followed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    series: Mapped[Series] = relationship()
    user: Mapped[User] = relationship()
