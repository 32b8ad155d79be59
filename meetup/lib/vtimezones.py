"""A VTIMEZONE every calendar reads right, for a span of time (issue 37).

The one icalendar generates from zoneinfo lists each change of the clocks
as an RDATE, with the spring ones an hour late and the span cut at 2038;
vobject, ical.js and Radicale read summer dates an hour off from it (see
docs/architecture.md, "Calendars"). This one is built from the zone's own
changes, found in zoneinfo over the span: each change that no yearly rule
explains is a STANDARD or DAYLIGHT of its own (a single DTSTART, the form
every reader handles), and from the first change on which the zone keeps
one rule (its current one, as the TZif footer says) two observances carry
it as a yearly RRULE ("the last Sunday of March at 02:00"), so an
open-ended series stays right after the span. A zone without changes has
one STANDARD. Built with icalendar objects, never strings.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

# How far a rule must hold to be trusted instead of listing the changes.
RULE_CHECKED_YEARS = 20
_STEP = timedelta(days=1)  # no zone changes its clocks twice in a day


@dataclass(frozen=True, slots=True)
class Change:
    """The clocks of a zone changing: at `at` (UTC) from one offset to another."""

    at: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str  # the abbreviation after the change ("CEST")
    is_dst: bool

    @property
    def local(self) -> datetime:
        """The wall-clock time of the change as the clocks showed before it
        (what a VTIMEZONE observance's DTSTART says)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class _Rule:
    """A yearly change: in `month`, on the nth (-1: last) `weekday`, at a wall time."""

    month: int
    nth: int
    weekday: int
    change: Change  # its first instance

    def instants(self, until: datetime) -> Iterator[datetime]:
        first = self.change
        rule = rrule.rrule(
            rrule.YEARLY,
            dtstart=first.local,
            bymonth=self.month,
            byweekday=rrule.weekday(self.weekday, self.nth),
        )
        for local in rule:
            instant = (local - first.offset_from).replace(tzinfo=UTC)
            if instant > until:
                return
            yield instant


def changes(zone: ZoneInfo, start: datetime, end: datetime) -> list[Change]:
    """The changes of `zone`'s clocks between `start` and `end` (aware)."""
    found = []
    before = start.astimezone(UTC)
    end = end.astimezone(UTC)
    while before < end:
        after = min(before + _STEP, end)
        if before.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            found.append(_change_between(zone, before, after))
        before = after
    return found


def _change_between(zone: ZoneInfo, before: datetime, after: datetime) -> Change:
    """Bisect to the second the offset changes between `before` and `after`."""
    old = before.astimezone(zone)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == old.utcoffset():
            before = middle
        else:
            after = middle
    new = after.replace(microsecond=0).astimezone(zone)
    return Change(
        at=new.astimezone(UTC),
        offset_from=old.utcoffset() or timedelta(0),
        offset_to=new.utcoffset() or timedelta(0),
        name=new.tzname() or "",
        is_dst=bool(new.dst()),
    )


def vtimezone(name: str, *, start: datetime, end: datetime | None = None) -> Timezone:
    """The VTIMEZONE of the IANA zone `name` for instants from `start` to
    `end` (None: open-ended, then its current rule goes on for ever)."""
    zone = ZoneInfo(name)
    span_end = (end or start).astimezone(UTC) + timedelta(days=366)
    start = start.astimezone(UTC) - timedelta(days=366)  # and the year before
    checked_until = span_end + timedelta(days=366 * RULE_CHECKED_YEARS)
    found = changes(zone, start, checked_until)
    component = Timezone()
    component.add("tzid", name)
    first = start.astimezone(zone)
    # The offset in force before the first change (or always, for a zone without one).
    component.add_component(
        _observance(
            first.replace(tzinfo=None),
            offset_from=first.utcoffset() or timedelta(0),
            offset_to=first.utcoffset() or timedelta(0),
            name=first.tzname() or "",
            is_dst=bool(first.dst()),
        )
    )
    listed, rules = _split(found, span_end, checked_until)
    for change in listed:
        component.add_component(
            _observance(change.local, change.offset_from, change.offset_to, change.name,
                        change.is_dst)
        )  # fmt: skip
    for rule in rules:
        change = rule.change
        observance = _observance(
            change.local, change.offset_from, change.offset_to, change.name, change.is_dst
        )
        observance.add(
            "rrule", vRecur(freq="YEARLY", bymonth=rule.month, byday=_byday(rule.nth, rule.weekday))
        )
        component.add_component(observance)
    return component


def _split(
    found: list[Change], span_end: datetime, until: datetime
) -> tuple[list[Change], list[_Rule]]:
    """The changes to list one by one, and the two yearly rules that give
    all the later ones: a rule starts within the span and holds from there
    to `until` (else every change is listed)."""
    for first in range(len(found) - 1):
        if found[first].at > span_end:
            break
        rules = _rules_from(found[first], found[first + 1], found[first:], until)
        if rules:
            return found[:first], rules
    return found, []


def _rules_from(
    one: Change, other: Change, rest: list[Change], until: datetime
) -> list[_Rule] | None:
    for rule_one in _candidates(one):
        for rule_other in _candidates(other):
            predicted = sorted([*rule_one.instants(until), *rule_other.instants(until)])
            if predicted == [change.at for change in rest] and _alternate(rest):
                return [rule_one, rule_other]
    return None


def _alternate(rest: list[Change]) -> bool:
    """Two rules give two offsets taking turns, each change like the one two before."""
    return all(
        (a.offset_from, a.offset_to, a.name) == (b.offset_from, b.offset_to, b.name)
        for a, b in zip(rest, rest[2:], strict=False)
    )


def _candidates(change: Change) -> Iterator[_Rule]:
    """The weekday-of-the-month rules `change` may follow: its nth weekday
    and, in the month's last week, the last one."""
    local = change.local
    days_in_month = calendar.monthrange(local.year, local.month)[1]
    if local.day <= 28:
        yield _Rule(local.month, (local.day - 1) // 7 + 1, local.weekday(), change)
    if local.day + 7 > days_in_month:
        yield _Rule(local.month, -1, local.weekday(), change)


def _byday(nth: int, weekday: int) -> str:
    return f"{nth}{('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')[weekday]}"


def _observance(
    local: datetime, offset_from: timedelta, offset_to: timedelta, name: str, is_dst: bool
) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if is_dst else TimezoneStandard()
    observance.add("dtstart", local)
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", offset_to)
    if name:
        observance.add("tzname", name)
    return observance
