"""Local wall time in an IANA zone, to and from UTC, honest about DST; and how
times read to people (pages and mail alike)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from meetup.lib.errors import InvalidInput

# Wall times an event may have: any real event fits, and every zone's offset,
# a copy weeks later and a calendar reader's arithmetic stay far from the
# years 1 and 9999 where Python's datetime ends.
EARLIEST_EVENT_TIME = datetime(1970, 1, 1)
LATEST_EVENT_TIME = datetime(2200, 1, 1)  # excluded
EVENT_RANGE_MESSAGE = "Choose a date between 1970 and 2199."


@dataclass(frozen=True)
class LocalTime:
    """A wall-clock time turned into UTC; `was_ambiguous` when the clock showed
    it twice (DST ended) and the first occurrence was chosen."""

    utc: datetime
    was_ambiguous: bool


def is_in_event_range(moment: date | datetime) -> bool:
    """Is this wall time (or day) one an event may have?"""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    return EARLIEST_EVENT_TIME <= moment.replace(tzinfo=None) < LATEST_EVENT_TIME


def check_event_time(local: datetime, *, field: str) -> None:
    """:raise InvalidInput: an event cannot be at this wall time (see EARLIEST_EVENT_TIME)."""
    if not is_in_event_range(local):
        raise InvalidInput(EVENT_RANGE_MESSAGE, field=field)


def local_to_utc(local: datetime, zone: str, *, field: str) -> LocalTime:
    """Interpret a naive wall-clock time of an event in `zone`.

    :raise InvalidInput: the time is outside the range events may have, or does
        not exist there (the clocks jumped over it when DST began).
    """
    check_event_time(local, field=field)
    tz = ZoneInfo(zone)
    wall = local.replace(tzinfo=None, second=0, microsecond=0)
    kind = _wall_time_kind(wall, tz)
    if kind == "gap":
        raise InvalidInput(
            f"{wall:%H:%M} on {wall:%-d %B %Y} does not exist in {zone}: the clocks "
            "jump forward then. Choose a time before or after.",
            field=field,
        )
    return LocalTime(wall.replace(tzinfo=tz, fold=0).astimezone(UTC), kind == "fold")


def utc_to_local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def is_ambiguous(moment: datetime, zone: str) -> bool:
    """Does the wall clock in `zone` show this moment's time twice that day?"""
    wall = utc_to_local(moment, zone).replace(tzinfo=None)
    return _wall_time_kind(wall, ZoneInfo(zone)) == "fold"


def _wall_time_kind(wall: datetime, tz: ZoneInfo) -> str:
    """ "normal"; "fold" when the clock shows this time twice (DST ends); "gap"
    when it never shows it (DST begins)."""
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return "normal"
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return "fold" if round_trip == wall else "gap"


@lru_cache(maxsize=4096)  # every list shows the same events' times, request after request
def describe_span(start: datetime, end: datetime, zone: str) -> str:
    """ "Tue 1 Dec 2026, 18:00–20:00 CET", in `zone`."""
    start, end = utc_to_local(start, zone), utc_to_local(end, zone)
    if start.date() == end.date():
        return f"{_day(start)}, {start:%H:%M}–{end:%H:%M} {end:%Z}"
    return f"{_day(start)} {start:%H:%M} {start:%Z} – {_day(end)} {end:%H:%M} {end:%Z}"


def describe_moment(moment: datetime, zone: str) -> str:
    """ "Mon 30 Nov 2026, 12:00 CET"."""
    local = utc_to_local(moment, zone)
    return f"{_day(local)}, {local:%H:%M %Z}"


def describe_lead_time(minutes: int) -> str:
    """ "15 minutes", "1 hour", "1 day": how long before something happens."""
    for unit, size in (("day", 24 * 60), ("hour", 60)):
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _day(local: datetime) -> str:
    return f"{local:%a} {local.day} {local:%b %Y}"


@cache
def timezone_names() -> frozenset[str]:
    """IANA zone names a person can choose (from the tzdata package)."""
    return frozenset(
        name
        for name in available_timezones()
        if name == "UTC" or ("/" in name and not name.startswith(("Etc/", "SystemV/")))
    )


def timezone_choices() -> list[str]:
    """The zone names, sorted for a select list, UTC first."""
    return ["UTC", *sorted(timezone_names() - {"UTC"})]
