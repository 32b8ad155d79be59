"""The series form's live preview: a schedule's next dates, in the series'
zone and in the viewer's, or the refusal the form would give instead.

The same rule decides both (lib.schedules.check): a schedule the preview
refuses is one the form refuses, with the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from meetup.lib import schedules
from meetup.lib.errors import InvalidInput
from meetup.lib.schedules import Schedule
from meetup.lib.timezones import describe_moment, timezone_names

SHOWN_DATES = 6


@dataclass(frozen=True)
class PreviewDate:
    in_series_zone: str  # "Thu 7 Oct 2027, 19:00 CEST"
    in_viewer_zone: str | None  # None when the viewer's zone is the series'


@dataclass(frozen=True)
class SchedulePreview:
    dates: list[PreviewDate]
    description: str = ""  # the rule in words
    refusal: str = ""  # why the form would refuse the schedule
    refused_field: str = ""
    viewer_zone: str | None = None  # named when the dates show it
    has_more: bool = False  # the series goes on after the dates shown


def preview_schedule(
    schedule_of_form: Callable[[], Schedule], *, viewer_zone: str | None, shown: int = SHOWN_DATES
) -> SchedulePreview:
    """The first `shown` dates of the schedule `schedule_of_form` reads from
    the form (it raises InvalidInput for what it cannot read), each also in
    `viewer_zone` when that zone differs from the series'."""
    try:
        schedule = schedule_of_form()
        if schedule.timezone not in timezone_names():  # the event's own rule
            raise InvalidInput("Choose a time zone from the list.", field="timezone")
        schedules.check(schedule)
    except InvalidInput as refusal:
        return SchedulePreview(dates=[], refusal=refusal.message, refused_field=refusal.field or "")
    other_zone = (
        viewer_zone
        if viewer_zone and viewer_zone != schedule.timezone and viewer_zone in timezone_names()
        else None
    )
    starts = list(islice(schedules.starts(schedule), shown + 1))
    return SchedulePreview(
        dates=[_date(start, schedule.timezone, other_zone) for start in starts[:shown]],
        description=schedules.describe(schedule),
        viewer_zone=other_zone,
        has_more=len(starts) > shown,
    )


def _date(start: datetime, zone: str, other_zone: str | None) -> PreviewDate:
    return PreviewDate(
        in_series_zone=describe_moment(start, zone),
        in_viewer_zone=describe_moment(start, other_zone) if other_zone else None,
    )
