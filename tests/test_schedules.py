"""A series' schedule (meetup.lib.schedules): its dates keep their local time
across daylight-saving changes, its RRULE expands to the same instants in a
calendar's reader, and what the form does not offer is refused at its field."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule

from meetup.lib.errors import InvalidInput
from meetup.lib.schedules import Frequency, Schedule, check, describe, rrule_text, starts

PARIS = "Europe/Paris"
THURSDAY, FRIDAY, SUNDAY = 3, 4, 6


def first_thursdays(**changes) -> Schedule:
    values = {
        "frequency": Frequency.MONTHLY,
        "local_time": time(19, 0),
        "timezone": PARIS,
        "starts_on": date(2026, 9, 1),
        "nth_weekday": (1, THURSDAY),
        **changes,
    }
    return Schedule(**values)


def test_the_first_thursday_at_19_00_paris_time_stays_19_00_across_the_change():
    schedule = first_thursdays()
    check(schedule)
    found = list(islice(starts(schedule), 4))
    assert found == [
        datetime(2026, 9, 3, 17, 0, tzinfo=UTC),  # CEST, UTC+2
        datetime(2026, 10, 1, 17, 0, tzinfo=UTC),
        datetime(2026, 11, 5, 18, 0, tzinfo=UTC),  # CET, UTC+1 after 25 October
        datetime(2026, 12, 3, 18, 0, tzinfo=UTC),
    ]
    assert {start.astimezone(ZoneInfo(PARIS)).time() for start in found} == {time(19, 0)}
    assert describe(schedule) == "Every month on the first Thursday at 19:00 (Europe/Paris)"


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (
            Schedule(Frequency.WEEKLY, time(8, 30), "America/New_York", date(2026, 3, 2),
                     interval=2, weekdays=(3, 1), count=4),
            [date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 17), date(2026, 3, 19)],
        ),
        (
            first_thursdays(nth_weekday=(-1, FRIDAY), until=date(2026, 12, 31)),
            [date(2026, 9, 25), date(2026, 10, 30), date(2026, 11, 27), date(2026, 12, 25)],
        ),
        (  # a monthly day 31 skips the months without one, as calendars do
            first_thursdays(nth_weekday=None, month_day=31, count=3),
            [date(2026, 10, 31), date(2026, 12, 31), date(2027, 1, 31)],
        ),
    ],
)  # fmt: skip
def test_each_kind_of_rule_gives_its_dates(schedule, expected):
    check(schedule)
    zone = ZoneInfo(schedule.timezone)
    assert [start.astimezone(zone).date() for start in starts(schedule)] == expected


@pytest.mark.parametrize(
    "schedule",
    [
        first_thursdays(),
        first_thursdays(interval=3, until=date(2028, 8, 1)),
        first_thursdays(nth_weekday=None, month_day=31, count=20),
        Schedule(Frequency.WEEKLY, time(7, 45), "Australia/Sydney", date(2026, 1, 5),
                 weekdays=(0, 2, 4), until=date(2027, 12, 31)),
        Schedule(Frequency.WEEKLY, time(23, 30), "America/Sao_Paulo", date(2026, 2, 1),
                 interval=2, weekdays=(SUNDAY,), count=60),
    ],
)  # fmt: skip
def test_the_rrule_a_calendar_reads_gives_the_same_instants(schedule):
    """DTSTART is the first date at the local time in the zone; the reader
    expands RRULE in wall time, as RFC 5545 says, for two years."""
    check(schedule)
    zone = ZoneInfo(schedule.timezone)
    first = next(starts(schedule)).astimezone(zone)
    ours = list(islice(starts(schedule), 110))
    theirs = list(islice(rrule.rrulestr(rrule_text(schedule), dtstart=first), 110))
    assert [start.astimezone(UTC) for start in theirs] == ours


@pytest.mark.parametrize(
    ("schedule", "field", "words"),
    [
        (first_thursdays(interval=0), "interval", "every 1 to 12"),
        (first_thursdays(count=0), "count", "1 to 500"),
        (first_thursdays(until=date(2026, 8, 1)), "until", "cannot end before"),
        (first_thursdays(until=date(2027, 1, 1), count=3), "count", "not both"),
        (first_thursdays(timezone="Not/A_Zone"), "timezone", "time zone"),
        (first_thursdays(timezone="../../etc/passwd"), "timezone", "time zone"),
        (first_thursdays(nth_weekday=(5, THURSDAY)), "nth_weekday", "first, second"),
        (first_thursdays(nth_weekday=None), "month_day", "day of the month"),
        (first_thursdays(month_day=3), "month_day", "day of the month"),
        (first_thursdays(nth_weekday=None, month_day=32), "month_day", "1 to 31"),
        (first_thursdays(until=date(2026, 9, 2)), "until", "no date"),
        (Schedule(Frequency.WEEKLY, time(9), PARIS, date(2026, 1, 1)), "weekdays", "at least one"),
        (Schedule(Frequency.WEEKLY, time(9), PARIS, date(2026, 1, 1), weekdays=(7,)),
         "weekdays", "at least one"),
        (Schedule(Frequency.WEEKLY, time(9), PARIS, date(2026, 1, 1), weekdays=tuple(range(7))),
         "weekdays", "at most 200"),
        (Schedule(Frequency.WEEKLY, time(9), PARIS, date(2026, 1, 1), weekdays=(1,),
                  month_day=3), "frequency", "days of the week"),
    ],
)  # fmt: skip
def test_what_the_form_does_not_offer_is_refused_at_its_field(schedule, field, words):
    with pytest.raises(InvalidInput) as refused:
        check(schedule)
    assert refused.value.field == field
    assert words in refused.value.message.casefold()


def test_a_time_the_clocks_skip_is_refused_naming_the_date():
    """02:30 on Sundays in Paris: on 28 March 2027 the clocks jump from 02:00 to 03:00."""
    schedule = Schedule(Frequency.WEEKLY, time(2, 30), PARIS, date(2026, 11, 1),
                        weekdays=(SUNDAY,))  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        check(schedule)
    assert refused.value.field == "local_time"
    assert "Sunday 28 March 2027" in refused.value.message


def test_a_time_the_clocks_repeat_is_its_first_instant():
    """02:30 on 25 October 2026 in Paris happens twice: the first (CEST) is meant."""
    schedule = Schedule(Frequency.WEEKLY, time(2, 30), PARIS, date(2026, 10, 25),
                        weekdays=(SUNDAY,), count=1)  # fmt: skip
    check(schedule)
    assert list(starts(schedule)) == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC)]
