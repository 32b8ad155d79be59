"""When each person's follow-up is due, and which events may have some.

By default a follow-up is due at 09:00 the morning after the event ended, in
the recipient's own time zone: one that lands at 23:40 is deleted unread.
A person whose profile's zone is "UTC" (the value every account starts with,
and the one an erased account gets back) has not set one: the event's zone
stands in for theirs. With MEETUP_FOLLOWUP_DELAY set, every follow-up is due
that long after the end instead. Events that ended more than
MEETUP_FOLLOWUP_MAX_AGE ago get none.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from meetup.extensions import db
from meetup.lib.timezones import timezone_names
from meetup.models import Event, EventStatus, FollowupDone, FollowupSending

MORNING = time(9, 0)
UNSET_ZONE = "UTC"  # see the module's docstring


def recipient_zone(person_zone: str, event_zone: str) -> str:
    """The zone a person's follow-up is timed in: theirs, else the event's
    (also for a zone tzdata no longer knows: the job must not stop on it)."""
    if person_zone == UNSET_ZONE or person_zone not in timezone_names():
        return event_zone
    return person_zone


def is_sent_at_once(event: Event) -> bool:
    """Did the hosts ask to send the follow-up now (see settings)? Then it
    is due for everyone as soon as the event has ended."""
    return event.followup_sending == FollowupSending.NOW


def due_at(ends_at: datetime, zone: str, *, delay: timedelta | None) -> datetime:
    """When the follow-up of an event that ended at `ends_at` is due for a
    person in `zone` (UTC): `delay` after the end, else 09:00 the next
    local morning (09:00 exists on every day: clocks change at night)."""
    if delay is not None:
        return ends_at + delay
    tz = ZoneInfo(zone)
    next_day = ends_at.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(next_day, MORNING, tzinfo=tz).astimezone(UTC)


def events_to_follow_up(
    *, now: datetime, delay: timedelta | None, max_age: timedelta
) -> list[Event]:
    """Published events that ended within `max_age` and may have follow-ups
    due (with a delay: that long ago at least; at once where the hosts chose
    "send now"), not yet finished, and not turned off by their hosts; oldest
    first."""
    latest_end = now - (delay or timedelta(0))
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.followup_sending != FollowupSending.NEVER,
                or_(
                    Event.ends_at <= latest_end,
                    and_(Event.followup_sending == FollowupSending.NOW, Event.ends_at <= now),
                ),
                Event.ends_at > now - max_age,
                Event.id.not_in(select(FollowupDone.event_id)),
            )
            .order_by(Event.ends_at, Event.id)
        )
    )
