"""The event page: shared by its own view and by the reply form that posts to it."""

from __future__ import annotations

from flask import render_template

from meetup.events import formatting
from meetup.lib.markdown import html_to_text
from meetup.lib.urls import external_url
from meetup.models import RsvpStatus
from meetup.models.types import utcnow
from meetup.rsvps.forms import RsvpForm
from meetup.security import current_viewer
from meetup.services.calendar import add_to_calendar
from meetup.services.directory import attendee_list
from meetup.services.events.event_mail import can_see_online_link
from meetup.services.outcomes.feedback import offers_feedback
from meetup.services.pages import event_page
from meetup.services.rsvps.replying import closed_reason


def render_event_page(slug: str, *, rsvp_form: RsvpForm | None = None, status: int = 200):
    """The page of the event `slug` for the current viewer (404 if hidden from
    them); `rsvp_form` is a submitted reply form to show with its errors."""
    viewer = current_viewer()
    page = event_page.get_event_page(viewer, slug)
    event = page.event
    now = utcnow()
    panel = event_page.rsvp_panel(viewer, page, now=now)
    if rsvp_form is None and viewer is not None and not panel.closed:
        rsvp_form = RsvpForm.for_event(
            panel.questions, guest_limit=event.guest_limit, rsvp=panel.rsvp
        )
    viewer_zone = viewer.timezone if viewer is not None else None
    share_url = external_url("events.detail", slug=event.slug)
    text = html_to_text(event.description_html)
    html = render_template(
        "events/detail.html",
        event=event,
        page=page,
        hosts=page.hosts,
        panel=panel,
        rsvp_form=rsvp_form,
        statuses=RsvpStatus,
        viewer=viewer,
        new_replies_closed=closed_reason(event, now, for_new_reply=True),
        shows_online_link=can_see_online_link(
            viewer_is_host=page.viewer_is_host, viewer_is_going=panel.is_going
        ),
        viewer_zone=viewer_zone if viewer_zone and viewer_zone != event.timezone else None,
        ambiguity=formatting.ambiguity_note(event),
        summary=text[:300],
        share_url=share_url,
        map_url=formatting.map_url(event),
        json_ld=formatting.json_ld(event, page.hosts, share_url, description=text[:500]),
        # Hosts see it; the page knows who hosts, so the rule is asked as of an attendee.
        can_see_directory=page.viewer_is_host
        or attendee_list.can_see_directory(
            viewer, event, viewer_is_going=panel.is_going, as_attendee=True
        ),
        offers_feedback=offers_feedback(viewer, event, going=panel.is_going, now=now),
        google_calendar_url=add_to_calendar.google_calendar_link(event),
        outlook_calendar_url=add_to_calendar.outlook_calendar_link(event),
    )
    return html, status
