"""A series' schedule: its dates at a local time in an IANA zone, the rule
the form offers, and that rule as an iCalendar RRULE (issue 37).

What the form offers, and nothing else: every N weeks on given weekdays, or
every N months on a day of the month or on the nth (or last) weekday, at a
local time, from a first date, until a date, for a count, or open-ended.
The dates are expanded by dateutil's rrule, the same RFC 5545 rules every
calendar applies to the RRULE we write (a monthly day 31 skips the months
without one, as calendars do), so the app and the calendars agree.

The local time stays the same across daylight-saving changes (19:00 in
Paris is 19:00 in March and October): each date is placed in the zone on
its own. A local time that does not exist on some date (it falls in the
spring-forward gap) is refused, naming that date, rather than moved.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil import rrule

from meetup.lib.errors import InvalidInput
from meetup.lib.timezones import timezone_names

MAX_INTERVAL = 12  # every 12 weeks, or every 12 months, at most
MAX_COUNT = 500
MAX_DATES_A_YEAR = 200
# How far ahead a schedule's dates are checked for a time that does not exist.
CHECKED_YEARS = 5
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"  # every `interval` weeks on `weekdays`
    MONTHLY = "monthly"  # every `interval` months, on `month_day` or `nth_weekday`


@dataclass(frozen=True)
class Schedule:
    """A series' rule. Weekdays count from Monday (0) to Sunday (6);
    `nth_weekday` is (n, weekday) with n in 1..4, or -1 for the last."""

    frequency: Frequency
    local_time: time
    timezone: str
    starts_on: date
    interval: int = 1
    weekdays: tuple[int, ...] = field(default=())
    month_day: int | None = None
    nth_weekday: tuple[int, int] | None = None
    until: date | None = None
    count: int | None = None


def check(schedule: Schedule) -> None:
    """Refuse a schedule the form does not offer, or one whose dates cannot
    be: each refusal names its field.

    :raise InvalidInput: with field one of interval, weekdays, month_day,
        nth_weekday, timezone, until, count, local_time, frequency.
    """
    _check_rule(schedule)
    zone = _zone(schedule.timezone)
    dates = list(islice(local_dates(schedule), MAX_DATES_A_YEAR * CHECKED_YEARS + 1))
    if not dates:
        raise InvalidInput("This schedule gives no date: change its days or its end.",
                           field="until" if schedule.until else "frequency")  # fmt: skip
    a_year_later = dates[0] + timedelta(days=365)
    if sum(1 for day in dates if day < a_year_later) > MAX_DATES_A_YEAR:
        raise InvalidInput(
            f"A series may have at most {MAX_DATES_A_YEAR} dates a year.", field="weekdays"
        )
    horizon = dates[0] + timedelta(days=365 * CHECKED_YEARS)
    for day in dates:
        if day >= horizon:
            break
        if not exists_in(day, schedule.local_time, zone):
            raise InvalidInput(
                f"{schedule.local_time:%H:%M} does not exist in {schedule.timezone} on "
                f"{day:%A} {day.day} {day:%B %Y} (the clocks go forward): choose another time.",
                field="local_time",
            )


def _check_rule(schedule: Schedule) -> None:
    if not 1 <= schedule.interval <= MAX_INTERVAL:
        raise InvalidInput(f"Repeat every 1 to {MAX_INTERVAL}.", field="interval")
    if schedule.frequency == Frequency.WEEKLY:
        if not schedule.weekdays or any(not 0 <= day <= 6 for day in schedule.weekdays):
            raise InvalidInput("Choose at least one day of the week.", field="weekdays")
        if schedule.month_day is not None or schedule.nth_weekday is not None:
            raise InvalidInput("A weekly series repeats on days of the week.", field="frequency")
    elif schedule.frequency == Frequency.MONTHLY:
        if (schedule.month_day is None) == (schedule.nth_weekday is None):
            raise InvalidInput(
                "Choose a day of the month, or a weekday of the month.", field="month_day"
            )
        if schedule.month_day is not None and not 1 <= schedule.month_day <= 31:
            raise InvalidInput("Choose a day from 1 to 31.", field="month_day")
        if schedule.nth_weekday is not None:
            nth, weekday = schedule.nth_weekday
            if nth not in ORDINALS or not 0 <= weekday <= 6:
                raise InvalidInput(
                    "Choose the first, second, third, fourth or last weekday.",
                    field="nth_weekday",
                )
        if schedule.weekdays:
            raise InvalidInput("A monthly series repeats on one day.", field="weekdays")
    else:  # pragma: no cover - the enum allows nothing else
        raise InvalidInput("Choose weekly or monthly.", field="frequency")
    if schedule.until is not None and schedule.count is not None:
        raise InvalidInput("End on a date or after a number of dates, not both.", field="count")
    if schedule.until is not None and schedule.until < schedule.starts_on:
        raise InvalidInput("The series cannot end before it starts.", field="until")
    if schedule.count is not None and not 1 <= schedule.count <= MAX_COUNT:
        raise InvalidInput(f"A series has 1 to {MAX_COUNT} dates.", field="count")


def _zone(name: str) -> ZoneInfo:
    # The list's names only: ZoneInfo opens any path-like name as a file
    # (a name too long for the file system raises OSError, not a refusal).
    if name not in timezone_names():
        raise InvalidInput("Choose a time zone from the list.", field="timezone")
    return ZoneInfo(name)


def exists_in(day: date, local_time: time, zone: ZoneInfo) -> bool:
    """Does `local_time` exist on `day` in `zone` (not skipped by the clocks
    going forward)? A time that exists twice (the clocks going back) exists:
    its first instant is meant (fold 0)."""
    wall = datetime.combine(day, local_time, tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None)


def _rule(schedule: Schedule) -> rrule.rrule:
    start = datetime.combine(schedule.starts_on, time())
    if schedule.frequency == Frequency.WEEKLY:
        return rrule.rrule(
            rrule.WEEKLY,
            dtstart=start,
            interval=schedule.interval,
            byweekday=sorted(schedule.weekdays),
            wkst=rrule.MO,
            until=_until(schedule),
            count=schedule.count,
        )
    if schedule.month_day is not None:
        by = {"bymonthday": schedule.month_day}
    else:
        nth, weekday = schedule.nth_weekday  # type: ignore[misc]  # checked
        by = {"byweekday": rrule.weekday(weekday, nth)}
    return rrule.rrule(
        rrule.MONTHLY,
        dtstart=start,
        interval=schedule.interval,
        until=_until(schedule),
        count=schedule.count,
        **by,
    )


def _until(schedule: Schedule) -> datetime | None:
    return None if schedule.until is None else datetime.combine(schedule.until, time())


def local_dates(schedule: Schedule, *, after: date | None = None) -> Iterator[date]:
    """The schedule's dates in order, from its first (or after `after`),
    without end for an open-ended one: take what you need."""
    for start in _rule(schedule):
        day = start.date()
        if after is None or day > after:
            yield day


def starts(schedule: Schedule, *, after: date | None = None) -> Iterator[datetime]:
    """The schedule's starts as aware UTC datetimes: its local time on each
    date, placed in its zone on that date (so across daylight-saving
    changes the local time stays, and the UTC time moves)."""
    zone = ZoneInfo(schedule.timezone)
    for day in local_dates(schedule, after=after):
        yield datetime.combine(day, schedule.local_time, tzinfo=zone).astimezone(UTC)


def rrule_text(schedule: Schedule) -> str:
    """The RRULE value (RFC 5545) for the series' .ics, whose DTSTART is the
    first date at the local time in the series' zone (with its VTIMEZONE):
    UNTIL is then a UTC time, the last date's end of day in the zone."""
    parts = [f"FREQ={schedule.frequency.value.upper()}"]
    if schedule.interval != 1:
        parts.append(f"INTERVAL={schedule.interval}")
    if schedule.frequency == Frequency.WEEKLY:
        parts.append("BYDAY=" + ",".join(_RRULE_DAYS[day] for day in sorted(schedule.weekdays)))
        parts.append("WKST=MO")
    elif schedule.month_day is not None:
        parts.append(f"BYMONTHDAY={schedule.month_day}")
    else:
        nth, weekday = schedule.nth_weekday  # type: ignore[misc]  # checked
        parts.append(f"BYDAY={nth}{_RRULE_DAYS[weekday]}")
    if schedule.count is not None:
        parts.append(f"COUNT={schedule.count}")
    elif schedule.until is not None:
        last = datetime.combine(
            schedule.until, time(23, 59, 59), tzinfo=ZoneInfo(schedule.timezone)
        )
        parts.append(f"UNTIL={last.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def describe(schedule: Schedule) -> str:
    """The rule in words, for the series page: "Every month on the first
    Thursday at 19:00 (Europe/Paris)"."""
    if schedule.frequency == Frequency.WEEKLY:
        every = "Every week" if schedule.interval == 1 else f"Every {schedule.interval} weeks"
        days = [WEEKDAY_NAMES[day] for day in sorted(schedule.weekdays)]
        on = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
    else:
        every = "Every month" if schedule.interval == 1 else f"Every {schedule.interval} months"
        if schedule.month_day is not None:
            on = f"day {schedule.month_day}"
        else:
            nth, weekday = schedule.nth_weekday  # type: ignore[misc]  # checked
            on = f"the {ORDINALS[nth]} {WEEKDAY_NAMES[weekday]}"
    return f"{every} on {on} at {schedule.local_time:%H:%M} ({schedule.timezone})"
