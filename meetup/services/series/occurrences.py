"""Making a series, and filling its horizon with occurrences.

A series is made from the event form's details (its first date's times) and
a schedule; its first occurrence is created and published at once through
the event's own services (the same checks, the community's placement),
and the next ones are copies of the series' template at each scheduled
start, created ahead: every date within HORIZON, and at least the next
AT_LEAST_AHEAD. `fill_series` is idempotent and safe when two run at once:
it locks the series' row and reads what exists under the lock (and the
unique (series, recurrence_at) would refuse a second copy of a date).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice

from sqlalchemy import select

from meetup.extensions import db
from meetup.lib import schedules
from meetup.lib.errors import InvalidInput
from meetup.lib.schedules import Schedule
from meetup.lib.text import clean_line
from meetup.models import (
    Community,
    CommunityStatus,
    Event,
    EventHost,
    EventStatus,
    Series,
    SeriesOccurrence,
    SeriesStatus,
    User,
)
from meetup.models.event import TITLE_MAX_LENGTH
from meetup.models.types import utcnow
from meetup.services.communities import events as community_events
from meetup.services.events.event_details import EventDetails, copied_details
from meetup.services.hosting import lifecycle
from meetup.services.series.lookup import lock_series, template_of
from meetup.transactions import begin_step

HORIZON = timedelta(days=60)
AT_LEAST_AHEAD = 3


def create_series(
    actor: User, details: EventDetails, schedule: Schedule, *, now: datetime | None = None
) -> Series:
    """Make a series: `details` as the event form gives them (their start
    and end are the first date's, and say the series' local time, zone and
    length) and the rule of `schedule` (its start, time and zone are taken
    from `details`). Its first occurrence is published, and the horizon
    filled.

    :raise InvalidInput: a field breaks its rules (the event's, or the
        schedule's: lib.schedules.check), each named.
    """
    now = now or utcnow()
    schedule = dataclasses.replace(
        schedule,
        starts_on=details.starts_local.date(),
        local_time=details.starts_local.time().replace(second=0, microsecond=0),
        timezone=details.timezone,
    )
    schedules.check(schedule)
    first_date = next(schedules.local_dates(schedule))
    shift = datetime.combine(first_date, schedule.local_time) - details.starts_local.replace(
        second=0, microsecond=0, tzinfo=None
    )
    first = dataclasses.replace(
        details,
        starts_local=details.starts_local + shift,
        ends_local=details.ends_local + shift,
        rsvp_deadline_local=(
            details.rsvp_deadline_local + shift if details.rsvp_deadline_local else None
        ),
    )
    duration = details.ends_local - details.starts_local
    if duration <= timedelta(0):
        raise InvalidInput("The event must end after it starts.", field="ends_at")
    result = community_events.create_event(actor, first, now=now)
    event = result.event
    series = Series(
        slug=lifecycle.new_slug(event.title, fallback="series"),
        title=clean_line(details.title, field="title", max_length=TITLE_MAX_LENGTH),
        created_by=actor,
        community=(link.community if (link := event.community_link) else None),
        duration_minutes=int(duration.total_seconds() // 60),
    )
    series.schedule = schedule
    db.session.add(series)
    db.session.flush()
    db.session.add(occurrence_link(event, series, event.starts_at))
    lifecycle.publish_event(actor, event, now=now)
    db.session.flush()
    db.session.refresh(event, ["series_link"])
    fill_series(series, now=now)
    return series


def fill_series(series: Series, *, now: datetime | None = None) -> list[Event]:
    """Create the occurrences the horizon lacks, under the series' lock;
    return them (none when another run made them first).

    Past dates are never made up; a cancelled occurrence keeps its date
    (it is the series' EXDATE); an ended series, or one whose community
    closed, makes no more."""
    now = now or utcnow()
    lock_series(series)
    if not _makes_more(series):
        return []
    made = set(
        db.session.scalars(
            select(SeriesOccurrence.recurrence_at).where(SeriesOccurrence.series_id == series.id)
        )
    )
    template = template_of(series)
    if template is None:
        return []
    created = []
    for start in due_starts(series.schedule, now=now):
        if start not in made:
            created.append(_make_occurrence(series, template, start, now=now))
    return created


def due_starts(schedule: Schedule, *, now: datetime) -> list[datetime]:
    """The scheduled starts (UTC) the horizon wants made at `now`: every one
    within HORIZON, and at least the next AT_LEAST_AHEAD."""
    today = now.astimezone(UTC).date() - timedelta(days=1)  # any zone's today is after it
    upcoming = (start for start in schedules.starts(schedule, after=today) if start > now)
    wanted = []
    for start in islice(upcoming, schedules.MAX_DATES_A_YEAR):
        if start > now + HORIZON and len(wanted) >= AT_LEAST_AHEAD:
            break
        wanted.append(start)
    return wanted


def _makes_more(series: Series) -> bool:
    if series.status != SeriesStatus.ACTIVE:
        return False
    community = series.community
    return community is None or community.status == CommunityStatus.OPEN


def _make_occurrence(series: Series, template: Event, start: datetime, *, now: datetime) -> Event:
    """A published copy of `template` at `start` (the series' length, and
    the template's reply deadline as long before), linked to the previous
    occurrence as its edition (the report compares them)."""
    details = copied_details(template)
    details["starts_at"] = start
    details["ends_at"] = series.end_of(start)
    if template.rsvp_deadline is not None:
        details["rsvp_deadline"] = start - (template.starts_at - template.rsvp_deadline)
    previous = db.session.scalar(
        select(SeriesOccurrence.event_id)
        .where(SeriesOccurrence.series_id == series.id, SeriesOccurrence.recurrence_at < start)
        .order_by(SeriesOccurrence.recurrence_at.desc())
        .limit(1)
    )
    event = Event(
        **details,
        created_by_id=template.created_by_id,
        status=EventStatus.PUBLISHED,
        published_at=now,
        slug=lifecycle.new_slug(template.title),
        hosts=[EventHost(user_id=host.user_id, role=host.role) for host in template.hosts],
        previous_edition_id=previous,
    )
    db.session.add(event)
    db.session.flush()
    db.session.add(occurrence_link(event, series, start))
    if series.community is not None:
        community_events.put_in_community(event, series.community, now=now)
    db.session.flush()
    db.session.refresh(event, ["series_link"])
    return event


def occurrence_link(event: Event, series: Series, start: datetime) -> SeriesOccurrence:
    """`event` made for the scheduled `start` of `series`: its identity in
    calendars is theirs for good."""
    return SeriesOccurrence(
        event_id=event.id,
        series_id=series.id,
        recurrence_at=start,
        calendar_uid=series.ical_uid,
        calendar_recurrence_at=start,
    )


def fill_all(*, now: datetime | None = None) -> Iterator[list[Event]]:
    """The job: fill each active series' horizon, one series per step (the
    caller commits after each step it is given, and rolls back if it stops)."""
    now = now or utcnow()
    begin_step(db.session)
    series_ids = db.session.scalars(
        select(Series.id)
        .outerjoin(Community, Community.id == Series.community_id)
        .where(Series.status == SeriesStatus.ACTIVE)
        .where((Community.id.is_(None)) | (Community.status == CommunityStatus.OPEN))
        .order_by(Series.id)
    ).all()
    for position, series_id in enumerate(series_ids):
        if position:
            begin_step(db.session)
        series = db.session.get(Series, series_id)
        if series is not None:
            yield fill_series(series, now=now)
