"""A series' page, as one viewer sees it: its rule in words, its community,
its occurrences (made ones with their state, then the schedule's next dates
not made yet), following it, and its hosts' figures.

A constant number of queries whatever the number of occurrences: the
occurrences are read as columns in one query, members-only ones filtered
in SQL by privacy's own condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy import ColumnElement, Row, select

from meetup.extensions import db
from meetup.lib import schedules
from meetup.lib.errors import NotFound, PermissionDenied
from meetup.lib.timezones import describe_moment, describe_span
from meetup.models import Event, EventStatus, Series, SeriesOccurrence, SeriesStatus, User
from meetup.models.types import utcnow
from meetup.services.privacy import members_event_condition
from meetup.services.series import following
from meetup.services.series.lookup import find_series, is_series_host

PLANNED_SHOWN = 3  # the schedule's dates after the last occurrence made


@dataclass(frozen=True)
class OccurrenceRow:
    when: str  # "Thu 7 Oct 2027, 19:00–21:00 CEST", in the series' zone
    title: str
    slug: str | None = None  # None: a planned date, not made yet
    is_cancelled: bool = False
    moved_from: str | None = None  # the scheduled start, when it was moved

    @property
    def is_planned(self) -> bool:
        return self.slug is None


@dataclass(frozen=True)
class SeriesLink:
    slug: str
    title: str


@dataclass(frozen=True)
class SeriesPage:
    slug: str
    title: str
    schedule_text: str  # "Every month on the first Thursday at 19:00 (Europe/Paris)"
    timezone: str
    is_ended: bool
    community_name: str | None
    community_slug: str | None
    upcoming: list[OccurrenceRow]
    past: list[OccurrenceRow]
    is_host: bool
    is_following: bool
    may_follow: bool  # a logged-in viewer but its hosts, while the series goes on
    follower_count: int | None  # hosts only
    next_slug: str | None  # the next occurrence made (hosts edit from there)
    continues: SeriesLink | None  # the series this one was split from
    continued_by: SeriesLink | None  # the series split from this one


def series_page(viewer: User | None, slug: str, *, now: datetime | None = None) -> SeriesPage:
    """The page of the series at `slug` for `viewer`.

    :raise NotFound, MembersOnly: as lookup.find_series.
    """
    now = now or utcnow()
    series = find_series(viewer, slug)
    is_host = is_series_host(viewer, series)
    rows = _occurrences(series, viewer, is_host=is_host)
    upcoming = [row for row in rows if row.starts_at >= now]
    past = [row for row in rows if row.starts_at < now]
    community = series.community
    logged_in = viewer is not None and viewer.is_authenticated
    return SeriesPage(
        slug=series.slug,
        title=series.title,
        schedule_text=schedules.describe(series.schedule),
        timezone=series.timezone,
        is_ended=series.status == SeriesStatus.ENDED,
        community_name=community.name if community else None,
        community_slug=community.slug if community else None,
        upcoming=[_row(series, row) for row in upcoming]
        + _planned(series, made={row.recurrence_at for row in rows}, now=now),
        past=[_row(series, row) for row in reversed(past)],
        is_host=is_host,
        is_following=following.is_following(viewer, series),
        # Its hosts hear of no date (they make them): no button for them.
        may_follow=logged_in and not is_host and series.status == SeriesStatus.ACTIVE,
        follower_count=following.follower_count(series) if is_host else None,
        next_slug=next((row.slug for row in upcoming if row.status != EventStatus.CANCELLED), None),
        continues=_link(viewer, Series.id == series.continued_from_id),
        continued_by=_link(viewer, Series.continued_from_id == series.id),
    )


def _occurrences(series: Series, viewer: User | None, *, is_host: bool) -> list[Row]:
    """The occurrences `viewer` may see, by start: their scheduled start
    (recurrence_at) and the event's columns the page shows."""
    query = (
        select(
            SeriesOccurrence.recurrence_at,
            Event.slug,
            Event.title,
            Event.starts_at,
            Event.ends_at,
            Event.status,
        )
        .join(Event, Event.id == SeriesOccurrence.event_id)
        .where(SeriesOccurrence.series_id == series.id)
        .order_by(Event.starts_at, Event.id)
    )
    if not is_host:
        viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
        query = query.where(Event.status != EventStatus.DRAFT, members_event_condition(viewer_id))
    return list(db.session.execute(query))


def _row(series: Series, event: Row) -> OccurrenceRow:
    moved = event.recurrence_at != event.starts_at
    return OccurrenceRow(
        when=describe_span(event.starts_at, event.ends_at, series.timezone),
        title=event.title,
        slug=event.slug,
        is_cancelled=event.status == EventStatus.CANCELLED,
        moved_from=describe_moment(event.recurrence_at, series.timezone) if moved else None,
    )


def _planned(series: Series, *, made: set[datetime], now: datetime) -> list[OccurrenceRow]:
    """The schedule's next dates after the last one made (the job makes
    them as they come within its horizon)."""
    if series.status != SeriesStatus.ACTIVE:
        return []
    after = max(made | {now})
    day_before = after.date() - timedelta(days=1)  # any zone's date of `after` is later
    starts = (
        start
        for start in schedules.starts(series.schedule, after=day_before)
        if start > after and start not in made
    )
    return [
        OccurrenceRow(
            when=describe_moment(start, series.timezone),
            title=series.title,
        )
        for start in islice(starts, PLANNED_SHOWN)
    ]


def _link(viewer: User | None, condition: ColumnElement[bool]) -> SeriesLink | None:
    """The other half of a split, if `viewer` may see it (a split may have
    made the following dates members-only: their title is not for all)."""
    row = db.session.execute(select(Series.slug, Series.title).where(condition).limit(1)).first()
    if row is None:
        return None
    try:
        find_series(viewer, row.slug)
    except (NotFound, PermissionDenied):
        return None
    return SeriesLink(row.slug, row.title)
