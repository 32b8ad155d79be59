"""Event forms. They parse; services.events holds the rules."""

from __future__ import annotations

from markupsafe import Markup
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from meetup.forms import Form, in_event_range, timezone_select_choices
from meetup.lib.timezones import utc_to_local
from meetup.models import (
    DirectoryVisibility,
    Event,
    EventVisibility,
)
from meetup.models.event import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    VENUE_NAME_MAX_LENGTH,
    WHAT_TO_BRING_MAX_LENGTH,
)
from meetup.services.events.event_details import MAX_GUEST_LIMIT, EventDetails
from meetup.services.hosting.lifecycle import MAX_COPY_WEEKS
from meetup.services.series.editing import EditScope

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
SCOPE_CHOICES = [
    SelectChoice(EditScope.THIS.value, "This occurrence only"),
    SelectChoice(
        EditScope.FOLLOWING.value,
        "This and the following ones (the series continues with these details from this date)",
    ),
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
    community = SelectField("Community", choices=[HOSTS_ONLY], validate_choice=False)
    is_approval_required = BooleanField("Hosts approve each reply")
    what_to_bring = TextAreaField(
        "What to bring", render_kw={"rows": 3, "maxlength": WHAT_TO_BRING_MAX_LENGTH}
    )
    # Only for an occurrence of a series (for_event removes it otherwise).
    scope = RadioField("Apply the changes to", choices=SCOPE_CHOICES, validate_choice=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_select_choices()

    def offer_communities(self, choices: list[tuple[str, str]]) -> EventForm:
        """The communities the person may publish in, as (slug, name), after
        "Hosts only"."""
        self.community.choices = [HOSTS_ONLY, *(SelectChoice(slug, name) for slug, name in choices)]
        return self

    @classmethod
    def for_new(cls, timezone: str, *, community: str = "") -> EventForm:
        """A new event's form; `community` (a slug) chosen first when a
        community's page sent the person here."""
        form = cls(
            timezone=timezone,
            visibility=EventVisibility.PUBLIC.value,
            directory_visibility=DirectoryVisibility.ATTENDEES.value,
            community=community,
        )
        del form.scope
        return form

    @property
    def edit_scope(self) -> str:
        """What the changes apply to: this event alone unless an occurrence's
        form says otherwise (the service refuses an unknown value at "scope")."""
        if "scope" not in self:
            return EditScope.THIS.value
        return self.scope.data or EditScope.THIS.value

    @classmethod
    def for_event(cls, event: Event) -> EventForm:
        def local(moment):
            return utc_to_local(moment, event.timezone).replace(tzinfo=None) if moment else None

        form = cls(
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
            community=link.community.slug if (link := event.community_link) else "",
            visibility=event.visibility.value,
            directory_visibility=event.directory_visibility.value,
            is_approval_required=event.is_approval_required,
            what_to_bring=event.what_to_bring,
            scope=EditScope.THIS.value,
        )
        if event.series_link is None:
            del form.scope
        return form

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
            community=self.community.data or "",
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
    community = HiddenField()  # a community's slug (its page links here)
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

    def fields_html(self, *, with_topic: bool) -> Markup:
        """The fields as events/_filters.html writes them (the topic's too
        unless a topic page names it), once per distinct query."""
        return self.rendered_fields("events/_filters.html", "filters", with_topic)
