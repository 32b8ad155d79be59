"""The fields an event's details are asked with, in one place: the event
form (meetup/events) and the series form, whose every date is such an event
(meetup/series), build on `EventFieldsForm`. Here, because a blueprint's
forms import no other blueprint's."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from meetup.forms import Form, in_event_range, timezone_select_choices
from meetup.models import DirectoryVisibility, EventVisibility
from meetup.models.event import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VENUE_NAME_MAX_LENGTH,
    WHAT_TO_BRING_MAX_LENGTH,
)
from meetup.services.events.event_details import MAX_GUEST_LIMIT, EventDetails

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

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


def time_field(label: str, missing: str) -> DateTimeLocalField:
    """A local wall time in the form's zone, within the years events may have."""
    return DateTimeLocalField(
        label, [InputRequired(missing), in_event_range], format=DATETIME_FORMATS
    )


class EventFieldsForm(Form):
    """An event's details; a subclass adds its own fields (and may ask for
    the title or the times in its own words by declaring them again)."""

    title = StringField(
        "Title", [InputRequired("Give the event a title.")],
        render_kw={"maxlength": TITLE_MAX_LENGTH},
    )  # fmt: skip
    description = TextAreaField(
        "Description", render_kw={"rows": 10, "maxlength": DESCRIPTION_MAX_LENGTH}
    )
    timezone = SelectField("Time zone", validate_choice=False)
    starts_at = time_field("Starts", "Enter when the event starts.")
    ends_at = time_field("Ends", "Enter when the event ends.")
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

    def offer_communities(self, choices: list[tuple[str, str]]) -> EventFieldsForm:
        """The communities the person may publish in, as (slug, name), after
        "Hosts only"."""
        self.community.choices = [HOSTS_ONLY, *(SelectChoice(slug, name) for slug, name in choices)]
        return self

    def details(self) -> EventDetails:
        """What the form says, as the event's services take it (a form
        without a reply deadline asks for none)."""
        deadline = self._fields.get("rsvp_deadline")
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
            rsvp_deadline_local=deadline.data if deadline is not None else None,
            topics=(self.topics.data or "").split(","),
            visibility=self.visibility.data or "",
            directory_visibility=self.directory_visibility.data or "",
            is_approval_required=bool(self.is_approval_required.data),
            what_to_bring=self.what_to_bring.data or "",
            community=self.community.data or "",
        )
