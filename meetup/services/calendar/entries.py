"""One VEVENT per event version and variant, serialized once by icalendar
(vevents.vevent) and kept in event_calendar_entry, where every process sees it:
the download and every feed join the stored texts instead of building each
event again (a feed of 500 events costs a query and a join of strings).

What makes the bytes differ is the key: the event (its id; its sequence and
updated_at, copied into the row and compared with the event's own in the
query that reads it, so a stale entry is never read), the variant (whether
the reader sees the online link, whether their seat is tentative: decided
by ical.reader_view, from the privacy rule) and FORMAT (this code's and
the library's output, the site's base URL). What differs per file is
spliced into the text, never re-serialized: the DTSTAMP (the file's build
time, as before) and the reader's own VALARM (stored once per entry with a
placeholder trigger). docs/architecture.md ("Calendars") says why a table
rather than Redis.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import icalendar
from flask import current_app
from icalendar import vDatetime, vDuration
from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from meetup.extensions import db
from meetup.models import Event, EventCalendarEntry, EventStatus
from meetup.services import privacy

# Raise when vevent() changes what it writes: entries of the old format are then never read.
FORMAT_REVISION = 2  # 2: a series' occurrences carry its UID and their RECURRENCE-ID

# Stand for the file's DTSTAMP and the reader's reminder in the stored text
# (a line of its own: CRLF then the name, which no folded or escaped value has).
STAMP = datetime(1900, 1, 1, tzinfo=UTC)
ALARM_MINUTES = 15
_STAMP_LINE = "\r\nDTSTAMP:" + vDatetime(STAMP).to_ical().decode() + "\r\n"
_TRIGGER_LINE = f"\r\nTRIGGER:{vDuration(timedelta(minutes=-ALARM_MINUTES)).to_ical().decode()}\r\n"
_END = "END:VEVENT\r\n"


@dataclass(frozen=True, slots=True)
class EntryText:
    """An event's stored VEVENT for one variant, as in event_calendar_entry."""

    event_id: int
    variant: str
    sequence: int
    updated_at: datetime
    body: str  # the VEVENT, DTSTAMP a placeholder, no VALARM
    # Its VALARM with a placeholder trigger ("" when cancelled: no reminder),
    # built only once a reader with a reminder needs it (None until then).
    alarm: str | None


def current_format() -> str:
    """What, besides the event, the text depends on: this code, the library, the base URL."""
    source = f"{FORMAT_REVISION}|{icalendar.__version__}|{current_app.config['BASE_URL']}"
    return hashlib.sha256(source.encode()).hexdigest()[:32]


def stored(
    wanted: Iterable[tuple[int, str]], *, with_alarm: bool
) -> dict[tuple[int, str], tuple[str, str | None]]:
    """The body and alarm of the current entries among (event id, variant)
    pairs (with their alarm built, if `with_alarm`): one query, and only rows
    built from the event as it is now."""
    wanted = set(wanted)
    if not wanted:
        return {}
    rows = db.session.connection().execute(
        _stored_query(),
        {"ids": list({event_id for event_id, _ in wanted}), "format": current_format()},
    )
    return {
        (event_id, variant): (body, alarm)
        for event_id, variant, body, alarm in rows
        if (event_id, variant) in wanted and (alarm is not None or not with_alarm)
    }


@cache
def _stored_query() -> Select[Any]:
    entry = EventCalendarEntry
    return (
        select(entry.event_id, entry.variant, entry.body, entry.alarm)
        .join(Event, and_(Event.id == entry.event_id, Event.sequence == entry.sequence,
                          Event.updated_at == entry.updated_at))
        .where(entry.event_id.in_(bindparam("ids", expanding=True)),
               entry.format == bindparam("format"))
    )  # fmt: skip


def stored_public(slug: str, variant: str) -> tuple[str, str] | None:
    """The title and stored `variant` body of the event at `slug`, if it is
    current and the event open to anyone (published or cancelled: the draft
    rule of services.events.lookup.is_visible for a viewer who hosts nothing;
    not for a community's members only: privacy.members_event_condition)."""
    row = (
        db.session.connection()
        .execute(_public_query(), {"slug": slug, "variant": variant, "format": current_format()})
        .first()
    )
    return None if row is None else (row[0], row[1])


@cache
def _public_query() -> Select[Any]:
    entry = EventCalendarEntry
    return (
        select(Event.title, entry.body)
        .join(entry, and_(entry.event_id == Event.id, entry.sequence == Event.sequence,
                          entry.updated_at == Event.updated_at))
        .where(Event.slug == bindparam("slug"), Event.status != EventStatus.DRAFT,
               privacy.members_event_condition(None),
               entry.variant == bindparam("variant"), entry.format == bindparam("format"))
    )  # fmt: skip


def join(
    texts: Iterable[tuple[str, str | None]], *, now: datetime, alarm_minutes: int | None
) -> str:
    """The VEVENTs of a file, from (body, alarm) pairs: each with the file's
    DTSTAMP and, where the event has one, the reader's VALARM, spliced in."""
    if alarm_minutes:
        body = "".join(
            text[: -len(_END)] + alarm + _END if alarm else text for text, alarm in texts
        )
        trigger = (
            f"\r\nTRIGGER:{vDuration(timedelta(minutes=-alarm_minutes)).to_ical().decode()}\r\n"
        )
        body = body.replace(_TRIGGER_LINE, trigger)
    else:
        body = "".join(text for text, _ in texts)
    return body.replace(_STAMP_LINE, "\r\nDTSTAMP:" + vDatetime(now).to_ical().decode() + "\r\n")


def store(texts: Iterable[EntryText]) -> None:
    """Keep the entries (replacing the older version of each): one statement."""
    fmt = current_format()
    rows = [
        {"event_id": text.event_id, "variant": text.variant, "sequence": text.sequence,
         "updated_at": text.updated_at, "format": fmt, "body": text.body,
         "alarm": text.alarm}
        for text in texts
    ]  # fmt: skip
    if not rows:
        return
    table = EventCalendarEntry.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    key = ["event_id", "variant"]
    replaced = {name: insert.excluded[name] for name in rows[0] if name not in key}
    db.session.execute(insert.on_conflict_do_update(index_elements=key, set_=replaced), rows)
