"""Calendar files: one event to download, feeds (personal and public), and
invitations by email (iTIP).

Built with the icalendar library, never by hand, and every VEVENT by one
function, vevent(), from one EventSnapshot (downloads and feeds join the
VEVENTs it serialized once, kept by entries.py): an invitation differs from the
download only by its METHOD, ORGANIZER and ATTENDEE. The choices
(docs/architecture.md, "Calendars"):
DTSTART/DTEND in UTC (every client converts UTC right; generated VTIMEZONEs
are misread by several), the event's zone named in the description, one UID
per event (Event.ical_uid) everywhere, SEQUENCE from the event, no METHOD in
files and feeds (invitations by email carry theirs).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from icalendar import Alarm, Calendar, vCalAddress, vDuration, vText
from icalendar import Event as VEvent

from meetup.lib.markdown import html_to_text
from meetup.lib.timezones import describe_span
from meetup.lib.urls import external_url
from meetup.models import Event, EventStatus, RsvpStatus
from meetup.services.calendar import entries
from meetup.services.privacy import sees_online_link

PRODID = "-//Meetup//Meetup networking events//EN"
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
    calendar = _calendar()
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
            alarm = _alarm(snapshot.summary, entries.ALARM_MINUTES).to_ical().decode()
    return entries.EntryText(event.id, entry.variant, event.sequence, event.updated_at, body, alarm)


_CALENDAR_END = b"END:VCALENDAR\r\n"


@cache
def _download_head() -> bytes:
    return _calendar().to_ical().removesuffix(_CALENDAR_END)


def feed_etag(name: str, versions: Iterable[tuple[object, ...]]) -> str:
    """A validator from everything a feed shows (each event's id, sequence,
    last change and status, and how the reader sees it, as the database
    gives them): equal when the bytes would be, DTSTAMP aside, so
    If-None-Match skips building it."""
    return hashlib.sha256(f"{name}\n{list(versions)!r}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class EventSnapshot:
    """What every calendar file says about an event, whoever builds it: the
    download, each feed entry and each invitation (from the JSON it was
    queued with, see invitation_snapshot) pass one to vevent()."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    location: str  # with or without the online link: decided for the reader
    url: str
    status: str  # CONFIRMED, TENTATIVE or CANCELLED
    last_modified: datetime
    created: datetime | None = None  # None: an invitation queued before it was kept
    categories: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The keys an outbox row keeps (their names are stored: rename none)."""
        return {
            "uid": self.uid,
            "sequence": self.sequence,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "summary": self.summary,
            "description": self.description,
            "location": self.location,
            "url": self.url,
            "status": self.status,
            "last_modified": self.last_modified.isoformat(),
            "created": self.created.isoformat() if self.created else None,
            "categories": list(self.categories),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EventSnapshot:
        """Read to_json's keys back; rows queued before "created" and
        "categories" existed build without them."""
        created = data.get("created")
        return cls(
            uid=data["uid"],
            sequence=data["sequence"],
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            summary=data["summary"],
            description=data["description"],
            location=data["location"],
            url=data["url"],
            status=data["status"],
            last_modified=datetime.fromisoformat(data["last_modified"]),
            created=datetime.fromisoformat(created) if created else None,
            categories=tuple(data.get("categories") or ()),
        )


@dataclass(frozen=True, slots=True)
class Invitee:
    """Who an invitation is for, and in whose name it comes."""

    email: str
    name: str
    organizer_name: str
    is_accepted: bool  # PARTSTAT=ACCEPTED: a REQUEST to someone going


def snapshot_of(event: Event, *, url: str, shows_online_link: bool, status: str) -> EventSnapshot:
    """What calendars say about `event` to a reader, decided for them by the caller."""
    return EventSnapshot(
        uid=event.ical_uid,
        sequence=event.sequence,
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description=describe(event, url),
        location=location_text(event, shows_online_link=shows_online_link),
        url=url,
        status=status,
        last_modified=event.updated_at,
        created=event.created_at,
        categories=tuple(topic.name for topic in event.topics),
    )


def vevent(
    snapshot: EventSnapshot,
    *,
    now: datetime,
    alarm_minutes: int | None = None,
    invitee: Invitee | None = None,
) -> VEvent:
    """The one VEVENT builder: files, feeds and invitations differ only in
    ORGANIZER and ATTENDEE (invitations, `invitee`) and METHOD (on their
    calendar, not here). The reader's reminder rides along unless cancelled."""
    component = VEvent()
    component.add("uid", snapshot.uid)
    component.add("dtstamp", now)
    component.add("dtstart", snapshot.start)
    component.add("dtend", snapshot.end)
    component.add("summary", snapshot.summary)
    component.add("description", snapshot.description)
    if snapshot.location:
        component.add("location", snapshot.location)
    component.add("url", snapshot.url)
    component.add("status", snapshot.status)
    component.add("sequence", snapshot.sequence)
    component.add("last-modified", snapshot.last_modified)
    if snapshot.created is not None:
        component.add("created", snapshot.created)
    if snapshot.categories:
        component.add("categories", list(snapshot.categories))
    if invitee is not None:
        _add_participants(component, invitee)
    if alarm_minutes and snapshot.status != "CANCELLED":
        component.add_component(_alarm(snapshot.summary, alarm_minutes))
    return component


def describe(event: Event, url: str) -> str:
    """Plain text: the description, then the time in the event's zone, the link."""
    when = describe_span(event.starts_at, event.ends_at, event.timezone)
    parts = [html_to_text(event.description_html).strip()]
    if event.status == EventStatus.CANCELLED:
        parts.insert(0, "CANCELLED. " + event.cancellation_message)
    parts.append(f"{when} ({event.timezone})")
    parts.append(url)
    return "\n\n".join(part for part in parts if part)


def location_text(event: Event, *, shows_online_link: bool) -> str:
    place = ", ".join(filter(None, [event.venue_name, " ".join(event.venue_address.split())]))
    online = ""
    if event.is_online:
        online = event.online_url if shows_online_link else "Online (link on the event page)"
    return " · ".join(filter(None, [place, online]))


def _status(entry: CalendarEntry) -> str:
    if entry.event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if entry.tentative else "CONFIRMED"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


# Links that open a calendar's own "new event" page


def google_calendar_link(event: Event) -> str:
    url = external_url("events.detail", slug=event.slug)
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{_compact_utc(event.starts_at)}/{_compact_utc(event.ends_at)}",
            "details": describe(event, url),
            "location": location_text(event, shows_online_link=False),
        }
    )
    return f"{current_app.config['GOOGLE_CALENDAR_URL']}?{query}"


def outlook_calendar_link(event: Event) -> str:
    url = external_url("events.detail", slug=event.slug)
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": event.title,
            "startdt": event.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "enddt": event.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "body": describe(event, url),
            "location": location_text(event, shows_online_link=False),
        }
    )
    return f"{current_app.config['OUTLOOK_CALENDAR_URL']}?{query}"


def _compact_utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


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


# Invitations by email (iTIP): METHOD:REQUEST to add or update, CANCEL to remove


def invitation_snapshot(event: Event, *, method: str, shows_online_link: bool) -> dict[str, Any]:
    """What an invitation says, frozen as JSON when it is queued: the mail
    worker builds the file from it (with icalendar), so a host's save queues
    2,000 invitations without building 2,000 calendars in the request."""
    url = external_url("events.detail", slug=event.slug)
    # A creator who left (or is leaving: their events are being handed over) is nobody's organizer.
    creator = event.created_by
    hosting = any(host.user_id == creator.id for host in event.hosts)
    organizer = creator.display_name if creator.is_active and hosting else "Meetup"
    snapshot = snapshot_of(
        event,
        url=url,
        # The online link only for people going (privacy.sees_online_link).
        shows_online_link=shows_online_link,
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    return {"method": method, "organizer_name": organizer, **snapshot.to_json()}


def invitation_file(
    snapshot: dict[str, Any],
    *,
    attendee_email: str,
    attendee_name: str,
    alarm_minutes: int | None,
    now: datetime,
) -> str:
    """The iTIP calendar of one invitation, for one attendee."""
    method = snapshot["method"]
    calendar = _calendar()
    calendar.add("method", method)
    invitee = Invitee(
        email=attendee_email,
        name=attendee_name,
        organizer_name=snapshot["organizer_name"],
        is_accepted=method == "REQUEST",
    )
    calendar.add_component(
        vevent(
            EventSnapshot.from_json(snapshot),
            now=now,
            alarm_minutes=alarm_minutes,
            invitee=invitee,
        )
    )
    return calendar.to_ical().decode()


def _add_participants(component: VEvent, invitee: Invitee) -> None:
    # The platform's address, never a host's own: replies reach no person.
    organizer = vCalAddress(f"mailto:{current_app.config['MAIL_FROM_ADDRESS']}")
    organizer.params["CN"] = vText(invitee.organizer_name)
    component.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{invitee.email}")
    attendee.params["CN"] = vText(invitee.name)
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    if invitee.is_accepted:
        attendee.params["PARTSTAT"] = vText("ACCEPTED")
    component.add("attendee", attendee)


def _alarm(summary: str, minutes: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Soon: {summary}")
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm
