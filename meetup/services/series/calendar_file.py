"""A series' calendar file (its .ics, to subscribe to): one calendar object.

One master VEVENT carries the rule: UID the series' (Series.ical_uid),
DTSTART the first date at the series' local time with TZID (and the
VTIMEZONE of lib.vtimezones: 19:00 in Paris stays 19:00 across the changes
of the clocks in every reader), RRULE from lib.schedules.rrule_text, what it
says from the template occurrence (lookup.template_of), SEQUENCE the
series'. Each cancelled occurrence is an EXDATE; each made occurrence that
differs from the master's instance at its date (moved, or its title, place
or text changed) is an override with RECURRENCE-ID = its scheduled start in
the same zone. Occurrences that do not differ need none: the rule gives
them, and the file stays small however long the series runs.

Everyone who may see the series' page may read it, and finds there what
the page shows them: an occurrence made members-only on its own is, for
whoever may not see it, an EXDATE. The file never holds an online link
(people going and hosts have theirs in their personal feed, where each
occurrence is the same UID with its RECURRENCE-ID).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Event as VEvent
from icalendar import vRecur
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib import schedules
from meetup.lib.markdown import html_to_text
from meetup.lib.urls import external_url
from meetup.lib.vtimezones import vtimezone
from meetup.models import Event, EventStatus, EventVisibility, Series, SeriesOccurrence, User
from meetup.services.calendar import entries
from meetup.services.calendar.feeds import Feed
from meetup.services.calendar.vevents import (
    EventSnapshot,
    describe,
    location_text,
    new_calendar,
    vevent,
)
from meetup.services.privacy import may_see_members_event, members_event_condition
from meetup.services.series.lookup import find_series, template_of

CANCELLED = EventStatus.CANCELLED


def series_feed(viewer: User | None, slug: str, *, now: datetime) -> Feed:
    """The series' .ics, with its ETag (from the series' and its
    occurrences' versions: one query; the file is built only without a match).

    :raise NotFound: no such series, or not for `viewer`.
    :raise MembersOnly: its events are for a community's members only.
    """
    series = find_series(viewer, slug)
    template = template_of(series)
    assert template is not None  # find_series found it
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    versions = db.session.execute(
        select(Event.id, Event.sequence, Event.updated_at, Event.status,
               SeriesOccurrence.recurrence_at, Event.visibility,
               members_event_condition(viewer_id).label("is_seen"))
        .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
        .where(SeriesOccurrence.series_id == series.id)
        .order_by(SeriesOccurrence.recurrence_at)
    ).all()  # fmt: skip
    # An occurrence made members-only on its own is, for whoever may not
    # see it, not in the file at all (as on the series' page).
    hidden = frozenset(row.id for row in versions if not row.is_seen)
    # Members-only, the whole series or one occurrence: the file depends
    # on who reads it, so never in a shared cache.
    members_only = not may_see_members_event(None, template, viewer_is_host=False) or any(
        row.visibility == EventVisibility.MEMBERS for row in versions
    )
    head = (series.id, series.sequence, series.updated_at, series.status, entries.current_format())
    seen = [tuple(row[:5]) for row in versions]
    etag = hashlib.sha256(f"{head!r}\n{seen!r}\n{sorted(hidden)!r}".encode()).hexdigest()
    return Feed(
        series.title,
        is_personal=members_only,
        etag=etag[:32],
        load_rows=lambda: [],
        build=lambda built_at: series_calendar(series, now=built_at, hidden=hidden),
    )


@dataclass(frozen=True, slots=True)
class _Instance:
    """What the master says of one date: where a made occurrence differs, an override."""

    start: datetime
    end: datetime
    summary: str
    location: str
    description_html: str


def series_calendar(
    series: Series, *, now: datetime, hidden: frozenset[int] = frozenset()
) -> bytes:
    """The series' calendar object: its VTIMEZONE, the master, its overrides.
    The occurrences `hidden` (event ids: members-only ones its reader may
    not see) are left out, their dates excluded."""
    template = template_of(series)
    assert template is not None  # every series has its first occurrence
    zone = ZoneInfo(series.timezone)
    schedule = series.schedule
    occurrences = db.session.execute(
        select(SeriesOccurrence, Event)
        .join(Event, Event.id == SeriesOccurrence.event_id)
        .where(SeriesOccurrence.series_id == series.id, Event.status != EventStatus.DRAFT)
        .order_by(SeriesOccurrence.recurrence_at)
        .options(selectinload(Event.topics))
    ).all()
    first = next(schedules.starts(schedule))
    last = max([first, *(event.ends_at for _, event in occurrences)])
    # The rule's own dates up to the last made one: others (a split's other half) are not ours.
    scheduled = set(_starts_until(schedule, last))
    master = _master(series, template, first.astimezone(zone), now=now)
    place = location_text(template, shows_online_link=False)
    overrides = []
    cancelled = []
    for link, event in occurrences:
        if link.recurrence_at not in scheduled:
            continue
        if event.status == CANCELLED or event.id in hidden:
            cancelled.append(link.recurrence_at.astimezone(zone))
            continue
        expected = _Instance(
            link.recurrence_at, series.end_of(link.recurrence_at), template.title, place,
            template.description_html,
        )  # fmt: skip
        seen = _Instance(
            event.starts_at, event.ends_at, event.title,
            location_text(event, shows_online_link=False), event.description_html,
        )  # fmt: skip
        if seen != expected:
            overrides.append(_override(series, link, event, zone, now=now))
    if cancelled:
        master.add("exdate", cancelled)
    calendar = new_calendar()
    calendar.add("name", series.title)
    calendar.add("x-wr-calname", series.title)
    calendar.add_component(vtimezone(series.timezone, start=first, end=_span_end(schedule, last)))
    calendar.add_component(master)
    for override in overrides:
        calendar.add_component(override)
    return calendar.to_ical()


def _master(series: Series, template: Event, start: datetime, *, now: datetime) -> VEvent:
    url = external_url("series.page", slug=series.slug)
    # The template's text, the rule in words (not the template's own date), the series' page.
    text = [html_to_text(template.description_html).strip(), schedules.describe(series.schedule),
            url]  # fmt: skip
    snapshot = EventSnapshot(
        uid=series.ical_uid,
        sequence=series.sequence,
        start=start,
        end=series.end_of(start),
        summary=template.title,
        description="\n\n".join(part for part in text if part),
        location=location_text(template, shows_online_link=False),
        url=url,
        status="CONFIRMED",
        last_modified=max(series.updated_at, template.updated_at),
        created=series.created_at,
        categories=tuple(topic.name for topic in template.topics),
    )
    component = vevent(snapshot, now=now)
    component.add("rrule", vRecur.from_ical(schedules.rrule_text(series.schedule)))
    return component


def _override(
    series: Series, link: SeriesOccurrence, event: Event, zone: ZoneInfo, *, now: datetime
) -> VEvent:
    url = external_url("events.detail", slug=event.slug)
    snapshot = EventSnapshot(
        uid=series.ical_uid,
        # Raised by the series' changes and by the occurrence's own.
        sequence=max(series.sequence, event.sequence),
        start=event.starts_at.astimezone(zone),
        end=event.ends_at.astimezone(zone),
        summary=event.title,
        description=describe(event, url),
        location=location_text(event, shows_online_link=False),
        url=url,
        status="CONFIRMED",
        last_modified=event.updated_at,
        created=event.created_at,
        categories=tuple(topic.name for topic in event.topics),
        # In the master's form (TZID, local time), as its instances are.
        recurrence_id=link.recurrence_at.astimezone(zone),
    )
    return vevent(snapshot, now=now)


def _starts_until(schedule: schedules.Schedule, last: datetime) -> list[datetime]:
    found = []
    for start in schedules.starts(schedule):
        if start > last:
            break
        found.append(start)
    return found


def _span_end(schedule: schedules.Schedule, last: datetime) -> datetime | None:
    """When the series' dates end (None: open-ended), for its VTIMEZONE."""
    if schedule.until is None and schedule.count is None:
        return None
    final = None
    for final in schedules.starts(schedule):  # noqa: B007 - finite: its last start
        pass
    return max(last, final) if final is not None else last
