"""Read an .ics file three independent ways and insist they agree.

The readers: `icalendar` (what we write with), `vobject` (another Python
implementation) and ical.js (the parser inside Thunderbird, run by node from
tests/calendar/js). Each yields the same plain facts per VEVENT; any
disagreement on an instant, a title or a status fails the test.

A recurring event (a series' file) is expanded two ways: by
recurring_ical_events (over icalendar) and by ical.js's own iterator with
its overrides related (expand_all); they must agree on every occurrence.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject

JS_DIR = Path(__file__).parent / "js"


@dataclass(frozen=True)
class Seen:
    uid: str
    start: datetime
    end: datetime
    summary: str
    location: str
    status: str
    sequence: int
    recurrence_id: datetime | None = None  # an occurrence of a series: its scheduled start


@dataclass(frozen=True, order=True)
class Occurrence:
    """One date of an expanded calendar, as a reader shows it."""

    start: datetime
    end: datetime
    summary: str
    uid: str


def ical_js_available() -> bool:
    return bool(shutil.which("node")) and (JS_DIR / "node_modules" / "ical.js").is_dir()


def read_all(data: bytes, tmp_path: Path) -> list[Seen]:
    """Parse `data` with all three readers; return what they agree on."""
    if not ical_js_available():
        pytest.skip("needs node and ical.js: `make test` installs it when npm is present")
    by_icalendar = _icalendar(data)
    by_vobject = _vobject(data)
    by_icaljs = _icaljs(data, tmp_path)
    assert by_icalendar == by_vobject, "icalendar and vobject disagree"
    assert by_icalendar == by_icaljs, "icalendar and ical.js disagree"
    return by_icalendar


def _utc(moment: datetime) -> datetime:
    assert moment.tzinfo is not None, "a floating time: no reader can place it"
    return moment.astimezone(UTC)


def _icalendar(data: bytes) -> list[Seen]:
    calendar = icalendar.Calendar.from_ical(data)
    return [
        Seen(
            uid=str(event["UID"]),
            start=_utc(event.decoded("DTSTART")),
            end=_utc(event.decoded("DTEND")),
            summary=str(event["SUMMARY"]),
            location=str(event.get("LOCATION", "")),
            status=str(event.get("STATUS", "")),
            sequence=int(event.get("SEQUENCE", 0)),
            recurrence_id=(
                _utc(event.decoded("RECURRENCE-ID")) if "RECURRENCE-ID" in event else None
            ),
        )
        for event in calendar.walk("VEVENT")
    ]


def _vobject(data: bytes) -> list[Seen]:
    calendar = vobject.readOne(data.decode("utf-8"))
    seen = []
    for event in calendar.vevent_list:
        location = getattr(event, "location", None)
        status = getattr(event, "status", None)
        sequence = getattr(event, "sequence", None)
        recurrence_id = getattr(event, "recurrence_id", None)
        seen.append(
            Seen(
                uid=event.uid.value,
                start=_utc(event.dtstart.value),
                end=_utc(event.dtend.value),
                summary=event.summary.value,
                location=location.value if location else "",
                status=status.value if status else "",
                sequence=int(sequence.value) if sequence else 0,
                recurrence_id=_utc(recurrence_id.value) if recurrence_id else None,
            )
        )
    return seen


def _icaljs(data: bytes, tmp_path: Path) -> list[Seen]:
    path = tmp_path / "read-by-icaljs.ics"
    path.write_bytes(data)
    output = subprocess.run(
        ["node", str(JS_DIR / "read_ics.mjs"), str(path)],
        capture_output=True, text=True, check=True, cwd=JS_DIR,
    ).stdout  # fmt: skip
    return [
        Seen(
            uid=item["uid"],
            start=datetime.fromisoformat(item["start"].replace("Z", "+00:00")),
            end=datetime.fromisoformat(item["end"].replace("Z", "+00:00")),
            summary=item["summary"],
            location=item["location"],
            status=item["status"] or "",
            sequence=item["sequence"] or 0,
            recurrence_id=_from_js(item["recurrence_id"]),
        )
        for item in json.loads(output)
    ]


def _from_js(moment: str | None) -> datetime | None:
    return None if moment is None else datetime.fromisoformat(moment.replace("Z", "+00:00"))


def expand_all(data: bytes, until: datetime, tmp_path: Path) -> list[Occurrence]:
    """Every occurrence in `data` that starts before `until`, expanded by
    recurring_ical_events and by ical.js: they must agree."""
    if not ical_js_available():
        pytest.skip("needs node and ical.js: `make test` installs it when npm is present")
    by_python = _recurring_ical_events(data, until)
    by_icaljs = _icaljs_expanded(data, until, tmp_path)
    assert by_python == by_icaljs, "recurring_ical_events and ical.js disagree"
    return by_python


def _recurring_ical_events(data: bytes, until: datetime) -> list[Occurrence]:
    calendar = icalendar.Calendar.from_ical(data)
    since = datetime(1970, 1, 1, tzinfo=UTC)
    return sorted(
        Occurrence(
            start=_utc(event.decoded("DTSTART")),
            end=_utc(event.decoded("DTEND")),
            summary=str(event["SUMMARY"]),
            uid=str(event["UID"]),
        )
        for event in recurring_ical_events.of(calendar).between(since, until)
    )


def _icaljs_expanded(data: bytes, until: datetime, tmp_path: Path) -> list[Occurrence]:
    path = tmp_path / "expanded-by-icaljs.ics"
    path.write_bytes(data)
    output = subprocess.run(
        ["node", str(JS_DIR / "expand_ics.mjs"), str(path), until.astimezone(UTC).isoformat()],
        capture_output=True, text=True, check=True, cwd=JS_DIR,
    ).stdout  # fmt: skip
    return sorted(
        Occurrence(
            start=_from_js(item["start"]),
            end=_from_js(item["end"]),
            summary=item["summary"],
            uid=item["uid"],
        )
        for item in json.loads(output)
        if _from_js(item["start"]) < until
    )
