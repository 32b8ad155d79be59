"""Loading an event (or one of its replies) for a view, as the current viewer.

The rules are the services' (services.events.lookup.find_event: drafts exist only
for their hosts); a refusal is answered by the edge: NotFound is a 404 where
the viewer may not know the thing exists, PermissionDenied a 403.
"""

from __future__ import annotations

from typing import Any

from meetup.models import Event, Rsvp
from meetup.security import current_viewer
from meetup.services.events import lookup
from meetup.services.rsvps import replying


def event_or_404(slug: str, *loader_options: Any) -> Event:
    """The event with its hosts (and what `loader_options` load), if the
    viewer may know it exists."""
    return lookup.find_event(current_viewer(), slug, *loader_options)


def hosted_event(slug: str, *loader_options: Any) -> Event:
    """The event, for its hosts only (403 for anyone else who may see it)."""
    return lookup.find_hosted_event(current_viewer(), slug, *loader_options)


def reply_or_404(event: Event, rsvp_id: int) -> Rsvp:
    """One reply of `event` (a reply of another event is not found here)."""
    return replying.find_reply(event, rsvp_id)
