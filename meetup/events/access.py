"""Loading an event (or one of its replies) for a view, answering 404 or 403
the way DESIGN.md says: 404 when the viewer may not know it exists, 403 when
it exists but is not theirs to use."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from meetup.extensions import db
from meetup.models import Event, Rsvp
from meetup.security import current_viewer
from meetup.services import events
from meetup.services.errors import NotFound, PermissionDenied


def event_or_404(slug: str, *loader_options: Any) -> Event:
    """The event with its hosts (and what `loader_options` load), if the
    viewer may know it exists (drafts: hosts only)."""
    try:
        return events.find_event(current_viewer(), slug, *loader_options)
    except NotFound:
        abort(404)


def hosted_event(slug: str) -> Event:
    """The event, for its hosts only (call behind login_required)."""
    event = event_or_404(slug)
    try:
        events.require_host(current_user, event)
    except PermissionDenied:
        abort(403)
    return event


def reply_or_404(event: Event, rsvp_id: int) -> Rsvp:
    """One reply of `event` (a reply of another event is not found here)."""
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.event_id != event.id:
        abort(404)
    return rsvp
