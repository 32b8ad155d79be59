"""Links that open a web calendar's own "new event" page (Google Calendar,
Outlook) filled in with an event, as anyone without a part in it sees it (no
online link): the same description and place as the calendar files
(vevents)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import current_app

from meetup.lib.urls import external_url
from meetup.models import Event
from meetup.services.calendar.vevents import describe, location_text


def google_calendar_link(event: Event) -> str:
    url = external_url("events.detail", slug=event.slug)
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{_compact_utc(event.starts_at)}/{_compact_utc(event.ends_at)}",
            "details": describe(event, url),
            "location": location_text(event, shows_online_link=False),
        }
    )
    return f"{current_app.config['GOOGLE_CALENDAR_URL']}?{query}"


def outlook_calendar_link(event: Event) -> str:
    url = external_url("events.detail", slug=event.slug)
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": event.title,
            "startdt": event.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "enddt": event.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "body": describe(event, url),
            "location": location_text(event, shows_online_link=False),
        }
    )
    return f"{current_app.config['OUTLOOK_CALENDAR_URL']}?{query}"


def _compact_utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")
