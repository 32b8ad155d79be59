"""What every calendar says about an event, and the one VEVENT builder.

Built with the icalendar library, never by hand, and every VEVENT by one
function, vevent(), from one EventSnapshot: the download and the feeds (ical,
which join the VEVENTs serialized once and kept by entries) and the
invitations by email (invitations) differ only by METHOD, ORGANIZER and
ATTENDEE. The choices (docs/architecture.md, "Calendars"): DTSTART/DTEND in
UTC (every client converts UTC right; generated VTIMEZONEs are misread by
several), the event's zone named in the description, one UID per event
(Event.ical_uid) everywhere, SEQUENCE from the event, no METHOD in files and
feeds (invitations by email carry theirs). An occurrence of a series is an
instance of the series' calendar object: the series' UID and its scheduled
start as RECURRENCE-ID (in UTC, like DTSTART: these files have no
VTIMEZONE), so a calendar holding the series' file and this entry shows one
entry for the date (services.series.calendar_file). Both are fixed when the
occurrence is made (SeriesOccurrence.calendar_uid, calendar_recurrence_at):
a split moves it to another series, never its entry in people's calendars.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from icalendar import Alarm, Calendar, vCalAddress, vText
from icalendar import Event as VEvent
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from meetup.extensions import db
from meetup.lib.markdown import html_to_text
from meetup.lib.timezones import describe_span
from meetup.models import Event, EventStatus, SeriesOccurrence

PRODID = "-//Meetup//Meetup networking events//EN"


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
    # An occurrence of a series: its scheduled start (UTC), and `uid` the series'.
    recurrence_id: datetime | None = None

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
            "recurrence_id": self.recurrence_id.isoformat() if self.recurrence_id else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EventSnapshot:
        """Read to_json's keys back; rows queued before "created",
        "categories" and "recurrence_id" existed build without them."""
        created = data.get("created")
        recurrence_id = data.get("recurrence_id")
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
            recurrence_id=datetime.fromisoformat(recurrence_id) if recurrence_id else None,
        )


@dataclass(frozen=True, slots=True)
class Invitee:
    """Who an invitation is for, and in whose name it comes."""

    email: str
    name: str
    organizer_name: str
    is_accepted: bool  # PARTSTAT=ACCEPTED: a REQUEST to someone going


def snapshot_of(event: Event, *, url: str, shows_online_link: bool, status: str) -> EventSnapshot:
    """What calendars say about `event` to a reader, decided for them by the
    caller. Reads `event.series_link`: a caller with many
    events loads them at once (load_series_links)."""
    link = event.series_link
    return EventSnapshot(
        uid=link.calendar_uid if link is not None else event.ical_uid,
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
        recurrence_id=link.calendar_recurrence_at if link is not None else None,
    )


def load_series_links(events: Sequence[Event]) -> None:
    """Load the series links of `events` in one statement, for
    snapshot_of: none left to load one by one."""
    if not events:
        return
    links = {
        link.event_id: link
        for link in db.session.scalars(
            select(SeriesOccurrence).where(
                SeriesOccurrence.event_id.in_([event.id for event in events])
            )
        )
    }
    for event in events:
        set_committed_value(event, "series_link", links.get(event.id))


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
    if snapshot.recurrence_id is not None:
        component.add("recurrence-id", snapshot.recurrence_id)
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
        component.add_component(reminder_alarm(snapshot.summary, alarm_minutes))
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


def new_calendar() -> Calendar:
    """An empty VCALENDAR with the properties every file of ours carries."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


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


def reminder_alarm(summary: str, minutes: int) -> Alarm:
    """The reader's own reminder, `minutes` before the start."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Soon: {summary}")
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm
