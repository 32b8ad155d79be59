"""Calendar files: one event to download, and feeds (personal and public).

Each file joins VEVENTs serialized once by vevents.vevent and kept by entries
(built here when missing: entry_text), under a head of our own; which variant
of an event a reader gets (the online link or not, tentative or not) is
reader_view, from the privacy rule. Invitations by email are invitations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from icalendar import vDuration

from meetup.lib.urls import external_url
from meetup.models import Event, EventStatus, RsvpStatus
from meetup.services.calendar import entries
from meetup.services.calendar.vevents import new_calendar, reminder_alarm, snapshot_of, vevent
from meetup.services.privacy import sees_online_link

FEED_TTL = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarEntry:
    """An event as one calendar shows it to one reader."""

    event: Event
    shows_online_link: bool  # hosts and people going
    tentative: bool = False  # waitlisted: the seat is not theirs yet
    alarm_minutes: int | None = None  # the reader's own reminder, if they set one

    @property
    def variant(self) -> str:
        return variant(shows_online_link=self.shows_online_link, tentative=self.tentative)


@dataclass(frozen=True)
class CalendarFile:
    """A file's bytes, and the entries built for it that were not stored yet
    (the web edge stores them once the answer is made: store_built)."""

    body: bytes
    built: tuple[entries.EntryText, ...] = ()


def variant(*, shows_online_link: bool, tentative: bool) -> str:
    """The name of one way of showing an event (its cache key, with the event's version)."""
    return ("tentative" if tentative else "confirmed") + ("+link" if shows_online_link else "")


def event_file(entry: CalendarEntry, *, now: datetime) -> CalendarFile:
    """The .ics download of one event (its stored VEVENT when current)."""
    event = entry.event
    wanted = (event.id, entry.variant)
    text = entries.stored([wanted], with_alarm=bool(entry.alarm_minutes)).get(wanted)
    built: tuple[entries.EntryText, ...] = ()
    if text is None:
        new = entry_text(entry, url=external_url("events.detail", slug=event.slug))
        text, built = (new.body, new.alarm), (new,)
    body = entries.join([text], now=now, alarm_minutes=entry.alarm_minutes)
    return CalendarFile(_download_head() + body.encode() + _CALENDAR_END, built)


def stored_public_file(slug: str, *, now: datetime) -> tuple[str, CalendarFile] | None:
    """The title and .ics download of a published or cancelled event as
    anyone without a part in it sees it (no link, no reminder), from its
    stored entry alone (one query, no event loaded); None when there is none
    (not stored yet, or a draft, or no such event: the caller loads it, and
    decides)."""
    shows_online_link, tentative = reader_view(rsvp_status=None, is_host=False)
    found = entries.stored_public(
        slug, variant(shows_online_link=shows_online_link, tentative=tentative)
    )
    if found is None:
        return None
    title, body = found
    text = entries.join([(body, None)], now=now, alarm_minutes=None)
    return title, CalendarFile(_download_head() + text.encode() + _CALENDAR_END)


def feed_file(
    texts: Iterable[tuple[str, str | None]],
    *,
    name: str,
    now: datetime,
    alarm_minutes: int | None,
) -> bytes:
    """A subscribable feed of stored VEVENTs ((body, alarm) pairs, see
    entries.join): clients refresh it about every hour."""
    calendar = new_calendar()
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", FEED_TTL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_TTL))  # an X- property: typed by hand
    head = calendar.to_ical().removesuffix(_CALENDAR_END)
    return head + entries.join(texts, now=now, alarm_minutes=alarm_minutes).encode() + _CALENDAR_END


def entry_text(entry: CalendarEntry, *, url: str) -> entries.EntryText:
    """Serialize `entry`'s VEVENT for the store (entries): the same vevent()
    as every file, with a placeholder DTSTAMP, and its alarm kept beside
    when the reader has a reminder."""
    event = entry.event
    snapshot = snapshot_of(
        event, url=url, shows_online_link=entry.shows_online_link, status=_status(entry)
    )
    body = vevent(snapshot, now=entries.STAMP).to_ical().decode()
    alarm = None
    if entry.alarm_minutes:
        alarm = ""
        if snapshot.status != "CANCELLED":  # as vevent(): no reminder of a cancelled event
            alarm = reminder_alarm(snapshot.summary, entries.ALARM_MINUTES).to_ical().decode()
    return entries.EntryText(event.id, entry.variant, event.sequence, event.updated_at, body, alarm)


_CALENDAR_END = b"END:VCALENDAR\r\n"


@cache
def _download_head() -> bytes:
    return new_calendar().to_ical().removesuffix(_CALENDAR_END)


def feed_etag(name: str, versions: Iterable[tuple[object, ...]]) -> str:
    """A validator from everything a feed shows (each event's id, sequence,
    last change and status, and how the reader sees it, as the database
    gives them): equal when the bytes would be, DTSTAMP aside, so
    If-None-Match skips building it."""
    return hashlib.sha256(f"{name}\n{list(versions)!r}".encode()).hexdigest()[:32]


def _status(entry: CalendarEntry) -> str:
    if entry.event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if entry.tentative else "CONFIRMED"


def entry_for(
    event: Event,
    *,
    rsvp_status: RsvpStatus | None,
    is_host: bool,
    alarm_minutes: int | None = None,
) -> CalendarEntry:
    shows_online_link, tentative = reader_view(rsvp_status=rsvp_status, is_host=is_host)
    return CalendarEntry(event, shows_online_link, tentative, alarm_minutes)


def reader_view(*, rsvp_status: RsvpStatus | None, is_host: bool) -> tuple[bool, bool]:
    """Whether a reader with this reply (or hosting) sees the online link, and
    whether their entry is tentative (waitlisted)."""
    return (
        sees_online_link(reply_status=rsvp_status, viewer_is_host=is_host),
        rsvp_status == RsvpStatus.WAITLISTED and not is_host,
    )
