"""What every email about an event says of it, for the templates."""

from __future__ import annotations

from typing import Any

from meetup.lib.timezones import describe_span
from meetup.lib.urls import external_url
from meetup.models import Event


def can_see_online_link(*, viewer_is_host: bool, viewer_is_going: bool) -> bool:
    """The online link is for hosts and people going: never public pages, never
    people waitlisted, pending or gone (pages, calendar files and every email)."""
    return viewer_is_host or viewer_is_going


def online_link_for(event: Event, *, is_going: bool, is_host: bool = False) -> str:
    """The online link as a message to this person may carry it ("" if not theirs)."""
    shown = can_see_online_link(viewer_is_host=is_host, viewer_is_going=is_going)
    return event.online_url if shown else ""


def event_context(event: Event) -> dict[str, Any]:
    """Title, time in the event's zone, place and link, JSON-ready (stored in
    the outbox with the message)."""
    return {
        "event_title": event.title,
        "when": describe_span(event.starts_at, event.ends_at, event.timezone),
        "venue": ", ".join(filter(None, [event.venue_name, event.venue_address])),
        "is_online": event.is_online,
        "url": external_url("events.detail", slug=event.slug),
    }
