"""How events read on a page: times in a zone, DST notes, structured data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import quote_plus

from flask import current_app, request
from markupsafe import Markup

from meetup.lib.markdown import html_to_text
from meetup.lib.timezones import describe_moment, describe_span, is_ambiguous, utc_to_local
from meetup.lib.urls import external_url
from meetup.models import Event, EventStatus, User
from meetup.rendering import rendered_once
from meetup.routing import url_for_each
from meetup.services.calendar import add_to_calendar
from meetup.services.events.event_listing import EventCard
from meetup.services.pages.event_page import EventPage, HostSummary


def event_when(event: Event | EventCard, zone: str | None = None) -> str:
    """ "Tue 1 Dec 2026, 18:00–20:00 CET", in `zone` (default: the event's)."""
    return describe_span(event.starts_at, event.ends_at, zone or event.timezone)


def event_cards(events: Iterable[EventCard], note: str = "") -> Markup:
    """The <li> of each event of a list (events/_event_card.html).

    A card shows its EventCard's values and nothing else, so each is rendered
    once per process and kept (keyed by those values, the note and the site's
    path prefix) while they stay the same: a listing's 20 cards were a quarter
    of its time. Rendered anew when templates reload (debug)."""
    return Markup("").join(
        _card(event, note, request.script_root)
        if isinstance(event, EventCard)  # frozen: equal values, equal card
        else _card.__wrapped__(event, note, request.script_root)
        for event in events
    )


@rendered_once(maxsize=4096)
def _card(event: EventCard, note: str, script_root: str) -> Markup:
    """One card; `script_root` is in its arguments for the kept copy's key
    (the links start with it)."""
    template = current_app.jinja_env.get_template("events/_event_card.html")
    event_url = url_for_each("events.detail", "slug")
    topic_url = url_for_each("events.topic", "topic")
    return template.module.event_card(event, note, event_url, topic_url)  # type: ignore[attr-defined]


def local_time(moment: datetime, zone: str) -> str:
    """ "Mon 30 Nov 2026, 12:00 CET"."""
    return describe_moment(moment, zone)


def map_url(event: Event) -> str | None:
    """OpenStreetMap's search for the venue of an in-person event."""
    if not event.is_in_person:
        return None
    place = ", ".join(filter(None, [event.venue_name, event.venue_address]))
    return "https://www.openstreetmap.org/search?query=" + quote_plus(place)


def ambiguity_note(event: Event) -> str | None:
    """Say so when a time of the event happens twice on the wall clock that day."""
    for label, moment in (("starts", event.starts_at), ("ends", event.ends_at)):
        if is_ambiguous(moment, event.timezone):
            local = utc_to_local(moment, event.timezone)
            return (
                f"The event {label} at {local:%H:%M} {local:%Z}, the first of the two "
                f"{local:%H:%M}s that night in {event.timezone} (before the clocks go back)."
            )
    return None


def json_ld(
    event: Event, hosts: list[HostSummary], url: str, *, description: str
) -> dict[str, Any]:
    """schema.org Event data for search engines (rendered with |tojson)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": description,
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "url": url,
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == EventStatus.CANCELLED
        else "https://schema.org/EventScheduled",
        "organizer": [{"@type": "Person", "name": host.display_name} for host in hosts],
    }
    locations: list[dict[str, Any]] = []
    if event.is_in_person:
        locations.append(
            {"@type": "Place", "name": event.venue_name, "address": event.venue_address}
        )
    if event.is_online:
        # The link itself is for people going; the page is the public place.
        locations.append({"@type": "VirtualLocation", "url": url})
    data["location"] = locations[0] if len(locations) == 1 else locations
    data["eventAttendanceMode"] = (
        "https://schema.org/MixedEventAttendanceMode"
        if event.is_in_person and event.is_online
        else "https://schema.org/OnlineEventAttendanceMode"
        if event.is_online
        else "https://schema.org/OfflineEventAttendanceMode"
    )
    return data


class HostLink(NamedTuple):
    name: str
    url: str | None  # their host page; None: the name links nowhere


def host_links(page: EventPage) -> list[HostLink]:
    """The hosts' names, each linked to its host page (events.hosted_by) when
    the event is public: hosting a public event makes the name public; other
    events' hosts link nowhere. The link is built once, not per host: a big
    event has hundreds."""
    if not page.is_public:
        return [HostLink(host.display_name, None) for host in page.hosts]
    host_url = url_for_each("events.hosted_by", "person_id")
    return [HostLink(host.display_name, host_url(host.user_id)) for host in page.hosts]


def event_page_display(page: EventPage, viewer: User | None) -> dict[str, Any]:
    """How the event page reads, beyond its read model: the viewer's time zone
    when it differs, the summary, the links to share, map and calendars, and
    the structured data (the template's values, by name)."""
    event = page.event
    viewer_zone = viewer.timezone if viewer is not None else None
    share_url = external_url("events.detail", slug=event.slug)
    text = html_to_text(event.description_html)
    return {
        "event": event,
        "host_links": host_links(page),
        "viewer_zone": viewer_zone if viewer_zone and viewer_zone != event.timezone else None,
        "ambiguity": ambiguity_note(event),
        "summary": text[:300],
        "share_url": share_url,
        "map_url": map_url(event),
        "json_ld": json_ld(event, page.hosts, share_url, description=text[:500]),
        "google_calendar_url": add_to_calendar.google_calendar_link(event),
        "outlook_calendar_url": add_to_calendar.outlook_calendar_link(event),
    }
