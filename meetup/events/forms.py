"""Event forms. They parse; services.events holds the rules."""

from __future__ import annotations

from markupsafe import Markup
from wtforms import (
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

from meetup.event_fields import DATETIME_FORMATS, EventFieldsForm
from meetup.forms import Form, in_event_range
from meetup.lib.timezones import utc_to_local
from meetup.models import (
    DirectoryVisibility,
    Event,
    EventVisibility,
)
from meetup.services.hosting.lifecycle import MAX_COPY_WEEKS
from meetup.services.series.editing import EditScope

SCOPE_CHOICES = [
    SelectChoice(EditScope.THIS.value, "This occurrence only"),
    SelectChoice(
        EditScope.FOLLOWING.value,
        "This and the following ones (the series continues with these details from this date)",
    ),
]


class EventForm(EventFieldsForm):
    rsvp_deadline = DateTimeLocalField(
        "Replies close", [Optional(), in_event_range], format=DATETIME_FORMATS
    )
    # Only for an occurrence of a series (for_event removes it otherwise).
    scope = RadioField("Apply the changes to", choices=SCOPE_CHOICES, validate_choice=False)

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
