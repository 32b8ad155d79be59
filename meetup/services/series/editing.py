"""Changing a series through its occurrences: "this occurrence", "this and
following" (which splits the series at that date), and ending a series.

The event form calls `update_event` here for every event (a plain event is
just the community's update): one call per form. Splitting never recreates
an event: the occurrences from the edited one on are re-linked to a new
series that continues the old one, so each reply stays where it was made.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, date, datetime, timedelta
from itertools import takewhile
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.lib import schedules
from meetup.lib.errors import InvalidInput
from meetup.lib.schedules import Schedule
from meetup.lib.text import clean_line
from meetup.models import (
    Event,
    EventStatus,
    Series,
    SeriesFollower,
    SeriesOccurrence,
    SeriesStatus,
    User,
)
from meetup.models.event import TITLE_MAX_LENGTH
from meetup.models.types import utcnow
from meetup.services.communities import events as community_events
from meetup.services.events.event_details import EventDetails, details_snapshot
from meetup.services.events.lookup import require_host
from meetup.services.hosting import lifecycle
from meetup.services.series.lookup import lock_series, require_series_host, series_of
from meetup.services.series.occurrences import fill_series

# The schedule's fields, as the event form names what decides them.
_FORM_FIELDS = {"timezone": "timezone", "local_time": "starts_at"}


class EditScope(enum.StrEnum):
    THIS = "this"  # this occurrence alone: an override in the series' calendar
    FOLLOWING = "following"  # this and the following ones: the series splits here


def update_event(
    actor: User,
    event: Event,
    details: EventDetails,
    *,
    scope: EditScope | str = EditScope.THIS,
    now: datetime | None = None,
) -> lifecycle.SaveResult:
    """Change `event` as the event form says; for an occurrence, `scope`
    says whether the change is its own or the series' from it on
    (`split_series`). A plain event ignores `scope`.

    :raise PermissionDenied: `actor` does not host the event (or, for the
        following ones, the series).
    :raise InvalidInput: a field breaks its rules (named as the event form
        names it); nothing is changed.
    """
    now = now or utcnow()
    if series_of(event) is None:
        return community_events.update_event(actor, event, details, now=now)
    if _scope(scope) == EditScope.FOLLOWING:
        return split_series(actor, event, details, now=now)
    link = event.series_link
    before = details_snapshot(event)
    result = community_events.update_event(actor, event, details, now=now)
    if details_snapshot(event) != before:
        # Changed on its own: an override (RECURRENCE-ID) in the series'
        # calendar, and no longer the template of the next occurrences.
        link.is_detached = True
        db.session.flush()
    return result


def _scope(value: EditScope | str) -> EditScope:
    try:
        return EditScope(value)
    except ValueError:
        raise InvalidInput(
            "Choose this occurrence, or this and the following ones.", field="scope"
        ) from None


def split_series(
    actor: User, event: Event, details: EventDetails, *, now: datetime | None = None
) -> lifecycle.SaveResult:
    """Apply `details` to the occurrence `event` and to every later one: the
    series ends before it, and a new series continuing it (the new local
    time, length and zone of `details`) takes it and the later ones. From
    the series' first occurrence, the series changes in place instead.

    Occurrences changed on their own, and cancelled ones, keep what they
    are (re-linked at the new schedule's instant of their date); the others
    get the details on their own date (their people get the calendar
    update). Under the series' lock: of two edits at once, the second works
    on what the first left (the occurrence is then its new series' first).
    """
    now = now or utcnow()
    require_host(actor, event)
    series = _locked_series_of(event)
    require_series_host(actor, series)
    old_zone = ZoneInfo(series.timezone)
    link = event.series_link
    scheduled_on = link.recurrence_at.astimezone(old_zone).date()
    earlier = _dates_before(series, scheduled_on)
    new_schedule = _schedule_from(series.schedule, details, scheduled_on, earlier=len(earlier))
    duration = details.ends_local - details.starts_local
    if duration <= timedelta(0):
        raise InvalidInput("The event must end after it starts.", field="ends_at")
    title = clean_line(details.title, field="title", max_length=TITLE_MAX_LENGTH)
    if not title:
        raise InvalidInput("Give the event a title.", field="title")
    moving = _links_from(series, link.recurrence_at)
    # An occurrence's details are checked as they are written: a refusal
    # there undoes the split too, whoever calls (the edge, a job, a test).
    with db.session.begin_nested():
        if _is_first(series, link):
            target = series
        else:
            target = _continuation(actor, series, title=title)
            _end_before(series, earlier)
        target.schedule = new_schedule
        target.title = title
        target.duration_minutes = int(duration.total_seconds() // 60)
        target.sequence += 1
        db.session.flush()
        result = _carry_on(actor, target, moving, event, details, old_zone=old_zone, now=now)
        fill_series(target, now=now)
    db.session.refresh(event, ["series_link"])
    return result


def end_series(actor: User, series: Series, *, now: datetime | None = None) -> None:
    """No more occurrences: the series ends on its last occurrence made (those
    made stay, with their replies). Ending an ended series changes nothing.

    :raise PermissionDenied: `actor` does not host the series.
    """
    require_series_host(actor, series)
    lock_series(series)
    if series.status == SeriesStatus.ENDED:
        return
    last = db.session.scalar(
        select(func.max(SeriesOccurrence.recurrence_at)).where(
            SeriesOccurrence.series_id == series.id
        )
    )
    series.status = SeriesStatus.ENDED
    if last is not None:
        series.until = max(last.astimezone(ZoneInfo(series.timezone)).date(), series.starts_on)
        series.count = None  # ends on a date: the series' rule allows one end only
    series.sequence += 1
    db.session.flush()


def _locked_series_of(event: Event) -> Series:
    """The event's series, locked, as committed once the lock is ours: a
    split that committed meanwhile may have moved the occurrence to the
    series that continues it (then that one is locked)."""
    while True:
        series = event.series_link.series
        lock_series(series)
        db.session.refresh(event.series_link)
        if event.series_link.series_id == series.id:
            return series


def _is_first(series: Series, link: SeriesOccurrence) -> bool:
    return not db.session.scalar(
        select(
            select(SeriesOccurrence.event_id)
            .where(
                SeriesOccurrence.series_id == series.id,
                SeriesOccurrence.recurrence_at < link.recurrence_at,
            )
            .exists()
        )
    )


def _dates_before(series: Series, day: date) -> list[date]:
    """The series' dates before `day` (at most MAX_COUNT: a count-limited
    series has no more)."""
    dates = schedules.local_dates(series.schedule)
    return list(takewhile(lambda other: other < day, dates))


def _schedule_from(
    schedule: Schedule, details: EventDetails, day: date, *, earlier: int
) -> Schedule:
    """The rule of `schedule` from `day` on, at the local time and in the
    zone of `details`, with what is left of its count.

    :raise InvalidInput: the new time does not exist on one of its dates,
        or the zone is unknown (at the event form's fields).
    """
    changed = dataclasses.replace(
        schedule,
        starts_on=day,
        local_time=details.starts_local.time().replace(second=0, microsecond=0),
        timezone=details.timezone,
        count=schedule.count - earlier if schedule.count is not None else None,
    )
    try:
        schedules.check(changed)
    except InvalidInput as refusal:
        raise InvalidInput(
            refusal.message, field=_FORM_FIELDS.get(refusal.field or "", "starts_at")
        ) from None
    return changed


def _continuation(actor: User, series: Series, *, title: str) -> Series:
    """The series that takes over from `series`, in its community, followed
    by its followers."""
    continued = Series(
        slug=lifecycle.new_slug(title, fallback="series"),
        title=title,
        status=series.status,
        community_id=series.community_id,
        created_by=actor,
        continued_from_id=series.id,
        duration_minutes=series.duration_minutes,
    )
    continued.schedule = series.schedule
    db.session.add(continued)
    db.session.flush()
    for follower in db.session.scalars(
        select(SeriesFollower).where(SeriesFollower.series_id == series.id)
    ):
        db.session.add(
            SeriesFollower(
                series_id=continued.id, user_id=follower.user_id, followed_at=follower.followed_at
            )
        )
    return continued


def _end_before(series: Series, earlier: list[date]) -> None:
    """`series` keeps its dates in `earlier` (not empty: the split is not
    at its first occurrence) and no more."""
    if series.count is not None:
        series.count = len(earlier)
    else:
        series.until = earlier[-1]
    series.sequence += 1


def _links_from(series: Series, start: datetime) -> list[SeriesOccurrence]:
    return list(
        db.session.scalars(
            select(SeriesOccurrence)
            .where(SeriesOccurrence.series_id == series.id, SeriesOccurrence.recurrence_at >= start)
            .order_by(SeriesOccurrence.recurrence_at)
        )
    )


def _carry_on(
    actor: User,
    target: Series,
    links: list[SeriesOccurrence],
    event: Event,
    details: EventDetails,
    *,
    old_zone: ZoneInfo,
    now: datetime,
) -> lifecycle.SaveResult:
    """Move `links` (the edited occurrence first) into `target` at its
    schedule's instant of each one's date, and give the details to each."""
    new_zone = ZoneInfo(target.timezone)
    start_time = target.local_time
    result = None
    for link in links:
        day = link.recurrence_at.astimezone(old_zone).date()
        link.series_id = target.id
        link.recurrence_at = datetime.combine(day, start_time, tzinfo=new_zone).astimezone(UTC)
        if link.event_id == event.id:
            result = community_events.update_event(actor, event, details, now=now)
            # Moved off its date, it is the new series' override there.
            link.is_detached = details.starts_local.date() != day
        elif not link.is_detached and link.event.status != EventStatus.CANCELLED:
            community_events.update_event(actor, link.event, _on(details, day), now=now)
        db.session.flush()
    if result is None:  # pragma: no cover - `links` start with the edited occurrence
        raise InvalidInput("This occurrence is no longer part of the series.")
    return result


def _on(details: EventDetails, day: date) -> EventDetails:
    """`details` on `day`: the same wall times, reply deadline as long before."""
    shift = datetime.combine(day, details.starts_local.time()) - details.starts_local
    deadline = details.rsvp_deadline_local
    return dataclasses.replace(
        details,
        starts_local=details.starts_local + shift,
        ends_local=details.ends_local + shift,
        rsvp_deadline_local=deadline + shift if deadline is not None else None,
    )
