"""The floor for a calendar feed: the same VEVENTs built and serialized with
the icalendar library alone, values prepared beforehand. Prints the median
milliseconds of 10 runs for the personal feed of the bench seed.

Run by `python -m bench` in a child process (MEETUP_DATABASE_URL set)."""

from __future__ import annotations

import statistics
import sys
import time

from icalendar import Calendar
from icalendar import Event as VEvent

from meetup import create_app
from meetup.lib.urls import external_url
from meetup.models.types import utcnow
from meetup.services.calendar import feeds, vevents


def main(token: str) -> None:
    app = create_app()
    with app.app_context():
        entries = feeds.personal_feed(token, now=utcnow()).entries()
        prepared = []
        for entry in entries:
            event = entry.event
            url = external_url("events.detail", slug=event.slug)
            prepared.append(
                {
                    "uid": event.ical_uid, "dtstart": event.starts_at, "dtend": event.ends_at,
                    "summary": event.title, "description": vevents.describe(event, url),
                    "location": vevents.location_text(event, shows_online_link=True),
                    "url": url, "status": "CONFIRMED", "sequence": event.sequence,
                    "last-modified": event.updated_at, "created": event.created_at,
                    "categories": [topic.name for topic in event.topics],
                }
            )  # fmt: skip
    timings = []
    for _ in range(10):
        began = time.perf_counter()
        calendar = Calendar()
        calendar.add("prodid", vevents.PRODID)
        calendar.add("version", "2.0")
        now = utcnow()
        for values in prepared:
            component = VEvent()
            component.add("dtstamp", now)
            for name, value in values.items():
                component.add(name, value)
            calendar.add_component(component)
        calendar.to_ical()
        timings.append(time.perf_counter() - began)
    print(f"ICALENDAR_MS {statistics.median(timings) * 1000:.1f} {len(prepared)}")


if __name__ == "__main__":
    main(sys.argv[1])
