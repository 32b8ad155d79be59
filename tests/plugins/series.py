"""Series for every series test folder: make_series makes one through the
service (its first occurrence published, its horizon filled), from a
default monthly schedule, and returns it detached with its slug and id."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.schedules import Frequency, Schedule
from meetup.models import Community, Event, Series, SeriesOccurrence, User
from meetup.models.types import utcnow
from meetup.services.events.event_details import EventDetails
from meetup.services.series.occurrences import create_series

THURSDAY = 3


def schedule_of(**changes: Any) -> Schedule:
    """A rule (its start, time and zone come from the details): monthly on
    the first Thursday, open-ended, unless `changes` say otherwise."""
    values: dict[str, Any] = {
        "frequency": Frequency.MONTHLY,
        "local_time": time(19, 0),
        "timezone": "Europe/Paris",
        "starts_on": utcnow().date(),
        "nth_weekday": (1, THURSDAY),
        **changes,
    }
    return Schedule(**values)


def occurrences(series_id: int) -> list[Event]:
    """The series' made occurrences, by scheduled date (in an app context)."""
    return list(
        db.session.scalars(
            select(Event)
            .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
            .where(SeriesOccurrence.series_id == series_id)
            .order_by(SeriesOccurrence.recurrence_at)
        )
    )


def detached_occurrences(app: Flask, series_id: int) -> list[Event]:
    """occurrences(), read in an app context of their own and detached."""
    with app.app_context():
        events = occurrences(series_id)
        db.session.expunge_all()
        return events


@pytest.fixture
def make_series(app: Flask, make_user: Callable[..., User]) -> Callable[..., Series]:
    """make_series(host=None, community=None, schedule=None, starts_local=None,
    now=None, **details): a series through the service. The first date is
    the schedule's first on or after `starts_local` (default: tomorrow,
    19:00 Paris, two hours long)."""
    numbers = itertools.count(1)

    def make(
        *,
        host: User | None = None,
        community: Community | None = None,
        schedule: Schedule | None = None,
        starts_local: datetime | None = None,
        now: datetime | None = None,
        **overrides: Any,
    ) -> Series:
        number = next(numbers)
        host = host or make_user()
        zone = overrides.get("timezone", "Europe/Paris")
        if starts_local is None:
            tomorrow = (utcnow() + timedelta(days=1)).astimezone(ZoneInfo(zone))
            starts_local = tomorrow.replace(hour=19, minute=0, second=0, microsecond=0)
            starts_local = starts_local.replace(tzinfo=None)
        values = {
            "title": f"Monthly meetup {number}",
            "timezone": zone,
            "starts_local": starts_local,
            "ends_local": starts_local + timedelta(hours=2),
            "venue_name": "Station F",
            "venue_address": "5 Parvis Alan Turing, 75013 Paris",
            "community": community.slug if community is not None else "",
            **overrides,
        }
        with app.app_context():
            actor = db.session.get(User, host.id)
            series = create_series(
                actor, EventDetails(**values), schedule or schedule_of(), now=now
            )
            db.session.commit()
            db.session.refresh(series)
            db.session.expunge(series)
        return series

    return make
