"""Event forms. They parse; services.events holds the rules."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from meetup.forms import Form, in_event_range, timezone_select_choices
from meetup.models import (
    DirectoryVisibility,
    Event,
    EventQuestion,
    EventVisibility,
    QuestionKind,
    Rsvp,
)
from meetup.models.event import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VENUE_NAME_MAX_LENGTH,
    WHAT_TO_BRING_MAX_LENGTH,
)
from meetup.services import rsvps
from meetup.services.event_details import MAX_GUEST_LIMIT
from meetup.services.events import MAX_COPY_WEEKS, EventDetails
from meetup.services.questions import LONG_ANSWER_MAX_LENGTH, SHORT_ANSWER_MAX_LENGTH
from meetup.services.timezones import utc_to_local

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

VISIBILITY_CHOICES = [
    SelectChoice(EventVisibility.PUBLIC.value, "Public: listed and searchable"),
    SelectChoice(EventVisibility.UNLISTED.value, "Unlisted: only people with the link"),
]
DIRECTORY_CHOICES = [
    SelectChoice(DirectoryVisibility.EVERYONE.value, "Everyone who can see the event"),
    SelectChoice(DirectoryVisibility.ATTENDEES.value, "People going, and hosts"),
    SelectChoice(DirectoryVisibility.HOSTS.value, "Hosts only"),
]


class EventForm(Form):
    title = StringField(
        "Title", [InputRequired("Give the event a title.")],
        render_kw={"maxlength": TITLE_MAX_LENGTH},
    )  # fmt: skip
    description = TextAreaField(
        "Description", render_kw={"rows": 10, "maxlength": DESCRIPTION_MAX_LENGTH}
    )
    timezone = SelectField("Time zone", validate_choice=False)
    starts_at = DateTimeLocalField(
        "Starts",
        [InputRequired("Enter when the event starts."), in_event_range],
        format=DATETIME_FORMATS,
    )
    ends_at = DateTimeLocalField(
        "Ends",
        [InputRequired("Enter when the event ends."), in_event_range],
        format=DATETIME_FORMATS,
    )
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
    rsvp_deadline = DateTimeLocalField(
        "Replies close", [Optional(), in_event_range], format=DATETIME_FORMATS
    )
    topics = StringField("Topics")
    visibility = RadioField("Who can find it", choices=VISIBILITY_CHOICES, validate_choice=False)
    directory_visibility = RadioField(
        "Who can see the attendee directory", choices=DIRECTORY_CHOICES, validate_choice=False
    )
    is_approval_required = BooleanField("Hosts approve each reply")
    what_to_bring = TextAreaField(
        "What to bring", render_kw={"rows": 3, "maxlength": WHAT_TO_BRING_MAX_LENGTH}
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_select_choices()

    @classmethod
    def for_new(cls, timezone: str) -> EventForm:
        return cls(
            timezone=timezone,
            visibility=EventVisibility.PUBLIC.value,
            directory_visibility=DirectoryVisibility.ATTENDEES.value,
        )

    @classmethod
    def for_event(cls, event: Event) -> EventForm:
        def local(moment):
            return utc_to_local(moment, event.timezone).replace(tzinfo=None) if moment else None

        return cls(
            title=event.title,
            description=event.description,
            timezone=event.timezone,
            starts_at=local(event.starts_at),
            ends_at=local(event.ends_at),
            venue_name=event.venue_name,
            venue_address=event.venue_address,
            online_url=event.online_url,
            capacity=event.capacity,
            guest_limit=event.guest_limit,
            rsvp_deadline=local(event.rsvp_deadline),
            topics=", ".join(topic.name for topic in event.topics),
            visibility=event.visibility.value,
            directory_visibility=event.directory_visibility.value,
            is_approval_required=event.is_approval_required,
            what_to_bring=event.what_to_bring,
        )

    def details(self) -> EventDetails:
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
            rsvp_deadline_local=self.rsvp_deadline.data,
            topics=(self.topics.data or "").split(","),
            visibility=self.visibility.data or "",
            directory_visibility=self.directory_visibility.data or "",
            is_approval_required=bool(self.is_approval_required.data),
            what_to_bring=self.what_to_bring.data or "",
        )


class CancelForm(Form):
    message = TextAreaField("Message to show on the event page (optional)", render_kw={"rows": 4})


class CopyForm(Form):
    weeks = IntegerField(
        "Weeks later",
        [
            InputRequired("Enter a number of weeks."),
            NumberRange(1, MAX_COPY_WEEKS, f"Choose between 1 and {MAX_COPY_WEEKS} weeks."),
        ],
        default=1,
        render_kw={"min": 1, "max": MAX_COPY_WEEKS, "inputmode": "numeric"},
    )


class CohostForm(Form):
    email = EmailField(
        "Email address of the person to invite", [InputRequired("Enter their email address.")]
    )


class ListingForm(Form):
    """The listing's search and filters (GET, no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Search")
    topic = StringField("Topic")
    starts_from = DateField("From (UTC)", [Optional(), in_event_range])
    starts_until = DateField("Until", [Optional(), in_event_range])
    mode = SelectField(
        "Format",
        choices=[
            SelectChoice("", "Any"),
            SelectChoice("online", "Online"),
            SelectChoice("in_person", "In person"),
        ],
        validate_choice=False,
    )


GOING = "going"
NOT_GOING = "not_going"


class RsvpForm(Form):
    """Going or can't go (the button pressed), guests, and one field per question."""

    response = StringField()
    guests = IntegerField("Guests you bring", [Optional()], default=0)
    directory_choice = SelectField(
        "In this event's list of people",
        choices=[SelectChoice(value, label) for value, label in rsvps.DIRECTORY_CHOICES],
        default=rsvps.DEFAULT_DIRECTORY_CHOICE,
        validate_choice=False,
    )

    questions: Sequence[EventQuestion] = ()

    @classmethod
    def for_event(
        cls, questions: Sequence[EventQuestion], *, guest_limit: int, rsvp: Rsvp | None = None
    ) -> RsvpForm:
        fields = {"questions": tuple(questions)}
        for question in questions:
            fields[f"answer_{question.id}"] = _answer_field(question)
        form_class = type("EventRsvpForm", (cls,), fields)
        data = {}
        if rsvp is not None:
            data["guests"] = rsvp.guests
            data["directory_choice"] = rsvps.directory_choice_value(rsvp)
            for key, value in rsvp.answers.items():
                data[f"answer_{key}"] = value
        form = form_class(data=data)
        form.guests.render_kw = {"inputmode": "numeric", "min": 0, "max": guest_limit}
        return form

    @property
    def answer_fields(self) -> list:
        return [self[f"answer_{question.id}"] for question in self.questions]

    def validate_response(self, field: StringField) -> None:
        if field.data not in (GOING, NOT_GOING):
            raise ValidationError("Choose whether you are going.")

    def reply(self) -> rsvps.Reply:
        return rsvps.Reply(
            going=self.response.data == GOING,
            guests=self.guests.data or 0,
            answers={
                str(question.id): self[f"answer_{question.id}"].data or ""
                for question in self.questions
            },
            # Not sent at all: keep the choice as it is (it outlives edits).
            directory_choice=self.directory_choice.data if self.directory_choice.raw_data else None,
        )


def _answer_field(question: EventQuestion):
    label = question.label if question.is_required else f"{question.label} (optional)"
    render_kw = {"required": True} if question.is_required else {}
    if question.kind == QuestionKind.CHOICE:
        choices = [SelectChoice(choice, choice) for choice in question.choices]
        return RadioField(label, choices=choices, validate_choice=False, render_kw=render_kw)
    if question.kind == QuestionKind.LONG_TEXT:
        return TextAreaField(
            label, render_kw={**render_kw, "rows": 3, "maxlength": LONG_ANSWER_MAX_LENGTH}
        )
    return StringField(label, render_kw={**render_kw, "maxlength": SHORT_ANSWER_MAX_LENGTH})
