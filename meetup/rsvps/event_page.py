"""The event page: shared by its own view and by the reply form that posts to it.
It renders what the read model (services.pages.event_page) carries."""

from __future__ import annotations

from flask import render_template

from meetup.events import formatting
from meetup.models import RsvpStatus
from meetup.models.types import utcnow
from meetup.rsvps.forms import RsvpForm
from meetup.security import current_viewer
from meetup.services.pages import event_page


def render_event_page(
    slug: str, *, rsvp_form: RsvpForm | None = None, status: int = 200
) -> tuple[str, int]:
    """The page of the event `slug` for the current viewer (404 if hidden from
    them); `rsvp_form` is a submitted reply form to show with its errors."""
    viewer, now = current_viewer(), utcnow()
    page = event_page.get_event_page(viewer, slug, now=now)
    panel = event_page.rsvp_panel(viewer, page, now=now)
    if rsvp_form is None and panel.shows_form:
        rsvp_form = RsvpForm.for_event(
            panel.questions, guest_limit=page.event.guest_limit, rsvp=panel.rsvp
        )
    html = render_template(
        "events/detail.html",
        page=page,
        panel=panel,
        rsvp_form=rsvp_form,
        statuses=RsvpStatus,
        **formatting.event_page_display(page, viewer),
    )
    return html, status
