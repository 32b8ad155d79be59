"""Series for the calendar tests: one occurrence moved on its own and one
cancelled (as the series' editing does), and the dates the app lists, to
compare with what each calendar reader expands from the series' file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask

from meetup.extensions import db
from meetup.lib import schedules
from meetup.models import Event, EventStatus, Series, User
from meetup.services.communities import events as community_events
from meetup.services.events.event_details import EventDetails
from meetup.services.hosting import lifecycle
from tests.calendar.readers import Occurrence
from tests.plugins.series import occurrences

TWO_YEARS = timedelta(days=730)


def move(app: Flask, event_id: int, *, by: timedelta, hours: int = 2) -> None:
    """Move one occurrence on its own ("this occurrence"), as the editing part does."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        zone = ZoneInfo(event.timezone)
        start = (event.starts_at.astimezone(zone) + by).replace(tzinfo=None)
        details = EventDetails(
            title=event.title, timezone=event.timezone, starts_local=start,
            ends_local=start + timedelta(hours=hours), description=event.description,
            venue_name=event.venue_name, venue_address=event.venue_address,
            online_url=event.online_url, capacity=event.capacity,
            visibility=event.visibility.value,
            community=link.community.slug if (link := event.community_link) else "",
        )  # fmt: skip
        host = db.session.get(User, event.created_by_id)
        community_events.update_event(host, event, details)
        event.series_link.is_detached = True
        db.session.commit()


def cancel(app: Flask, event_id: int) -> None:
    with app.app_context():
        event = db.session.get(Event, event_id)
        host = db.session.get(User, event.created_by_id)
        lifecycle.cancel_event(host, event, message="Not this month.")
        db.session.commit()


def listed(app: Flask, series_id: int, *, until: datetime) -> list[Occurrence]:
    """What the app lists for the series until `until`: each made occurrence
    as it is now (cancelled ones absent), and the schedule's later dates."""
    with app.app_context():
        series = db.session.get(Series, series_id)
        made = {event.series_link.recurrence_at: event for event in occurrences(series_id)}
        zone = ZoneInfo(series.timezone)
        found = []
        for start in schedules.starts(series.schedule):
            if start >= until:
                break
            event = made.get(start)
            if event is None:
                local = start.astimezone(zone).replace(tzinfo=None)
                end = (local + timedelta(minutes=series.duration_minutes)).replace(tzinfo=zone)
                found.append(Occurrence(start, end.astimezone(UTC), series.title,
                                        series.ical_uid))  # fmt: skip
            elif event.status != EventStatus.CANCELLED and event.starts_at < until:
                found.append(Occurrence(event.starts_at, event.ends_at, event.title,
                                        series.ical_uid))  # fmt: skip
        return sorted(found)
