"""The series' forms. They parse; services.series and lib.schedules hold
the rules.

The series form asks what the event form asks (the first date's details:
its start and end give the series' local time and length; the event
blueprint's forms are its own, so the fields are declared here) and the
schedule, which `schedule()` turns into a lib.schedules.Schedule.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from meetup.forms import (
    Form,
    MultiCheckboxField,
    in_event_range,
    refusals_shown_on,
    show_error,
    timezone_select_choices,
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
from meetup.models.event import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VENUE_NAME_MAX_LENGTH,
    WHAT_TO_BRING_MAX_LENGTH,
)
from meetup.services.events.event_details import MAX_GUEST_LIMIT, EventDetails

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
THURSDAY = 3

VISIBILITY_CHOICES = [
    SelectChoice(EventVisibility.PUBLIC.value, "Public: listed and searchable"),
    SelectChoice(EventVisibility.UNLISTED.value, "Unlisted: only people with the link"),
    SelectChoice(EventVisibility.MEMBERS.value, "Members of the community only"),
]
HOSTS_ONLY = SelectChoice("", "Hosts only: no community")
DIRECTORY_CHOICES = [
    SelectChoice(DirectoryVisibility.EVERYONE.value, "Everyone who can see the event"),
    SelectChoice(DirectoryVisibility.ATTENDEES.value, "People going, and hosts"),
    SelectChoice(DirectoryVisibility.HOSTS.value, "Hosts only"),
]
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


class SeriesForm(Form):
    title = StringField(
        "Title", [InputRequired("Give the series a title.")],
        render_kw={"maxlength": TITLE_MAX_LENGTH},
    )  # fmt: skip
    description = TextAreaField(
        "Description", render_kw={"rows": 8, "maxlength": DESCRIPTION_MAX_LENGTH}
    )
    timezone = SelectField("Time zone", validate_choice=False)
    starts_at = DateTimeLocalField(
        "First date starts",
        [InputRequired("Enter when the first date starts."), in_event_range],
        format=DATETIME_FORMATS,
    )
    ends_at = DateTimeLocalField(
        "First date ends",
        [InputRequired("Enter when the first date ends."), in_event_range],
        format=DATETIME_FORMATS,
    )
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
    # Each date's details
    venue_name = StringField("Venue", render_kw={"maxlength": VENUE_NAME_MAX_LENGTH})
    venue_address = TextAreaField("Address", render_kw={"rows": 2})
    online_url = StringField("Online link", render_kw={"type": "url", "spellcheck": "false"})
    capacity = IntegerField("Capacity", [Optional()], render_kw={"inputmode": "numeric", "min": 1})
    guest_limit = IntegerField(
        "Guests per reply",
        [Optional()],
        default=0,
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_GUEST_LIMIT},
    )
    topics = StringField("Topics")
    visibility = RadioField("Who can find it", choices=VISIBILITY_CHOICES, validate_choice=False)
    directory_visibility = RadioField(
        "Who can see the attendee directory", choices=DIRECTORY_CHOICES, validate_choice=False
    )
    community = SelectField("Community", choices=[HOSTS_ONLY], validate_choice=False)
    is_approval_required = BooleanField("Hosts approve each reply")
    what_to_bring = TextAreaField(
        "What to bring", render_kw={"rows": 3, "maxlength": WHAT_TO_BRING_MAX_LENGTH}
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_select_choices()

    def offer_communities(self, choices: list[tuple[str, str]]) -> SeriesForm:
        """The communities the person may publish in, as (slug, name)."""
        self.community.choices = [HOSTS_ONLY, *(SelectChoice(slug, name) for slug, name in choices)]
        return self

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

    def details(self) -> EventDetails:
        """The first date's details, as the event's services take them."""
        return EventDetails(
            title=self.title.data or "",
            description=self.description.data or "",
            timezone=self.timezone.data or "",
            starts_local=self.starts_at.data,
            ends_local=self.ends_at.data,
            venue_name=self.venue_name.data or "",
            venue_address=self.venue_address.data or "",
            online_url=self.online_url.data or "",
            capacity=self.capacity.data,
            guest_limit=self.guest_limit.data or 0,
            rsvp_deadline_local=None,
            topics=(self.topics.data or "").split(","),
            visibility=self.visibility.data or "",
            directory_visibility=self.directory_visibility.data or "",
            is_approval_required=bool(self.is_approval_required.data),
            what_to_bring=self.what_to_bring.data or "",
            community=self.community.data or "",
        )

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
