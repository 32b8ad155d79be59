"""Read an .ics file three independent ways and insist they agree.

The readers: `icalendar` (what we write with), `vobject` (another Python
implementation) and ical.js (the parser inside Thunderbird, run by node from
tests/calendar/js). Each yields the same plain facts per VEVENT; any
disagreement on an instant, a title or a status fails the test.
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
        seen.append(
            Seen(
                uid=event.uid.value,
                start=_utc(event.dtstart.value),
                end=_utc(event.dtend.value),
                summary=event.summary.value,
                location=location.value if location else "",
                status=status.value if status else "",
                sequence=int(sequence.value) if sequence else 0,
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
        )
        for item in json.loads(output)
    ]
