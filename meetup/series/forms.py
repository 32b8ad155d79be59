"""The series' forms. They parse; services.series and lib.schedules hold
the rules.

The series form asks what the event form asks (meetup.event_fields: the
first date's details, whose start and end give the series' local time and
length) and the schedule, which `schedule()` turns into a
lib.schedules.Schedule.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from meetup.event_fields import EventFieldsForm, time_field
from meetup.forms import (
    MultiCheckboxField,
    in_event_range,
    refusals_shown_on,
    show_error,
)
from meetup.lib import schedules
from meetup.lib.errors import InvalidInput
from meetup.lib.schedules import (
    MAX_COUNT,
    MAX_INTERVAL,
    ORDINALS,
    WEEKDAY_NAMES,
    Frequency,
    Schedule,
)
from meetup.lib.timezones import EVENT_RANGE_MESSAGE, is_in_event_range
from meetup.models import DirectoryVisibility, EventVisibility
from meetup.models.event import TITLE_MAX_LENGTH

THURSDAY = 3

FREQUENCY_CHOICES = [
    SelectChoice(Frequency.WEEKLY.value, "Weekly"),
    SelectChoice(Frequency.MONTHLY.value, "Monthly"),
]
WEEKDAY_CHOICES = [SelectChoice(str(day), name) for day, name in enumerate(WEEKDAY_NAMES)]
MONTHLY_BY_CHOICES = [
    SelectChoice("weekday", "On a weekday of the month (the first Thursday…)"),
    SelectChoice("day", "On a day of the month (the 15th…)"),
]
NTH_CHOICES = [SelectChoice(str(nth), name.title()) for nth, name in ORDINALS.items()]
ENDS_CHOICES = [
    SelectChoice("never", "Never"),
    SelectChoice("on", "On a date"),
    SelectChoice("after", "After a number of dates"),
]
# lib.schedules names its refusals by the Schedule's fields; the form asks
# for the local time through the first date's start.
FIELD_OF_REFUSAL = {"local_time": "starts_at"}
SCHEDULE_FIELDS = ("starts_at", "interval", "weekdays", "month_day", "until", "count")
NOT_A_NUMBER = "Enter a whole number."
NOT_WEEKDAYS = "Choose days of the week from the list."


class WholeNumberField(IntegerField):
    """A number field that says what it wants when given something else."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(NOT_A_NUMBER) from None


class WeekdaysField(MultiCheckboxField):
    """The days of the week, as numbers (Monday 0); lib.schedules checks them."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(NOT_WEEKDAYS) from None


class SeriesForm(EventFieldsForm):
    """The first date's details (its start and end give every date's local
    time and length) and the schedule."""

    title = StringField(
        "Title", [InputRequired("Give the series a title.")],
        render_kw={"maxlength": TITLE_MAX_LENGTH},
    )  # fmt: skip
    starts_at = time_field("First date starts", "Enter when the first date starts.")
    ends_at = time_field("First date ends", "Enter when the first date ends.")
    # The schedule
    frequency = RadioField("Repeats", choices=FREQUENCY_CHOICES, validate_choice=False)
    interval = WholeNumberField(
        "Every", [Optional()], default=1,
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_INTERVAL},
    )  # fmt: skip
    weekdays = WeekdaysField("On", choices=WEEKDAY_CHOICES, coerce=int)
    monthly_by = RadioField("Which day", choices=MONTHLY_BY_CHOICES, validate_choice=False)
    nth = SelectField("Week of the month", choices=NTH_CHOICES, validate_choice=False)
    nth_weekday = SelectField("Weekday", choices=WEEKDAY_CHOICES, validate_choice=False)
    month_day = WholeNumberField(
        "Day of the month", [Optional()], render_kw={"inputmode": "numeric", "min": 1, "max": 31}
    )
    ends = RadioField("Ends", choices=ENDS_CHOICES, validate_choice=False)
    until = DateField("Last date", [Optional(), in_event_range])
    count = WholeNumberField(
        "Number of dates", [Optional()],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_COUNT},
    )  # fmt: skip
    preview = SubmitField("Preview dates")

    @classmethod
    def for_new(cls, timezone: str, *, community: str = "", **kwargs: object) -> SeriesForm:
        """A new series' form: monthly on the first Thursday until changed."""
        return cls(
            timezone=timezone,
            frequency=Frequency.MONTHLY.value,
            weekdays=[THURSDAY],
            monthly_by="weekday",
            nth="1",
            nth_weekday=str(THURSDAY),
            ends="never",
            visibility=EventVisibility.PUBLIC.value,
            directory_visibility=DirectoryVisibility.ATTENDEES.value,
            community=community,
            **kwargs,
        )

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, and the schedule's at once (a host sees
        every refusal in one go, not the schedule's after the others)."""
        valid = super().validate(extra_validators)
        try:
            schedules.check(self.schedule())
        except InvalidInput as refusal:
            field = self._fields.get(FIELD_OF_REFUSAL.get(refusal.field, refusal.field or ""))
            if field is None or refusal.message not in field.errors:
                show_error(self, _as_form_refusal(refusal))
            valid = False
        return valid

    def schedule(self) -> Schedule:
        """The schedule as chosen; lib.schedules.check judges it.

        :raise InvalidInput: at its field, what a schedule cannot be made
            of (no first date, a frequency or an end the form does not offer).
        """
        for name in SCHEDULE_FIELDS:  # what was given but could not be read
            field = self[name]
            if field.process_errors and any(str(value).strip() for value in field.raw_data):
                raise InvalidInput(field.process_errors[0], field=name)
        start = self.starts_at.data
        if not isinstance(start, datetime):
            raise InvalidInput("Enter when the first date starts.", field="starts_at")
        if not is_in_event_range(start):  # and its dates stay within the calendar's years
            raise InvalidInput(EVENT_RANGE_MESSAGE, field="starts_at")
        try:
            frequency = Frequency(self.frequency.data)
        except ValueError:
            raise InvalidInput("Choose weekly or monthly.", field="frequency") from None
        weekly = frequency == Frequency.WEEKLY
        if not weekly and self.monthly_by.data not in ("weekday", "day"):
            raise InvalidInput(
                "Choose a weekday of the month or a day of the month.", field="monthly_by"
            )
        by_day = self.monthly_by.data == "day"
        return Schedule(
            frequency=frequency,
            local_time=start.time().replace(second=0, microsecond=0),
            timezone=self.timezone.data or "",
            starts_on=start.date(),
            interval=self.interval.data if self.interval.data is not None else 1,
            weekdays=tuple(sorted(set(self.weekdays.data or ()))) if weekly else (),
            month_day=None if weekly or not by_day else self.month_day.data,
            nth_weekday=None if weekly or by_day else self._nth_weekday(),
            until=self._until(),
            count=self._count(),
        )

    def _nth_weekday(self) -> tuple[int, int]:
        try:
            return int(self.nth.data), int(self.nth_weekday.data)
        except (TypeError, ValueError):
            raise InvalidInput(
                "Choose the first, second, third, fourth or last weekday.", field="nth_weekday"
            ) from None

    def _until(self) -> date | None:
        if self.ends.data != "on":
            self._check_ends()
            return None
        if self.until.data is None:
            raise InvalidInput("Enter the date of the last one.", field="until")
        return self.until.data

    def _count(self) -> int | None:
        if self.ends.data != "after":
            return None
        if self.count.data is None:
            raise InvalidInput("Enter how many dates the series has.", field="count")
        return self.count.data

    def _check_ends(self) -> None:
        if self.ends.data not in ("never", "on", "after"):
            raise InvalidInput("Choose when the series ends.", field="ends")


def _as_form_refusal(refusal: InvalidInput) -> InvalidInput:
    if refusal.field in FIELD_OF_REFUSAL:
        return InvalidInput(refusal.message, field=FIELD_OF_REFUSAL[refusal.field])
    return refusal


@contextmanager
def refusals_shown_on_series_form(form: SeriesForm) -> Iterator[None]:
    """refusals_shown_on, with the schedule's field names turned into the
    form's."""
    with refusals_shown_on(form):
        try:
            yield
        except InvalidInput as refusal:
            raise _as_form_refusal(refusal) from refusal


class PreviewForm(SeriesForm):
    """The series form's values as the live preview sends them (a GET
    changes nothing: no CSRF token)."""

    class Meta:
        csrf = False
