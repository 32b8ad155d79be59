"""What every email about an event says of it, for the templates. (Whose
message may carry the online link is services.privacy's: online_link_for.)"""

from __future__ import annotations

from typing import Any

from meetup.lib.timezones import describe_span
from meetup.lib.urls import external_url
from meetup.models import Event


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
