"""Two people ticking each other at the same moment form exactly one
connection, and each gets one email: on a SQLite file (BEGIN IMMEDIATE
serialises writers) and on PostgreSQL (the pair's row locks), with committed
data the threads can see. Several pairs race at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from meetup.extensions import db
from meetup.models import Connection, Event, OutboxMessage, StayInTouch, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import replying
from tests.plugins.app import Client, sign_in

PAIRS = 4


def _setup(app: Flask) -> tuple[str, list[User]]:
    """An event under way that 2 * PAIRS listed members are going to."""
    with app.app_context():
        people = []
        for number in range(2 * PAIRS + 1):
            person = credentials.register_user(
                email=f"ticker{number}@example.org", display_name=f"Ticker {number}",
                password="correct horse battery",
            )  # fmt: skip
            person.email_verified_at = utcnow()
            people.append(person)
        host, people = people[0], people[1:]
        start = (utcnow() + timedelta(days=7)).replace(tzinfo=None, second=0, microsecond=0)
        details = event_details.EventDetails(
            title="Founders breakfast", timezone="UTC", starts_local=start,
            ends_local=start + timedelta(hours=2), venue_name="Small room",
        )  # fmt: skip
        event = lifecycle.create_event(host, details).event
        event.directory_visibility = "everyone"
        lifecycle.publish_event(host, event)
        for person in people:
            replying.respond(person, event, replying.Reply(going=True, directory_choice="shown"))
        started = utcnow() - timedelta(minutes=30)
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(starts_at=started, ends_at=started + timedelta(hours=2))
        )
        db.session.commit()
        slug = event.slug
        for person in people:
            db.session.refresh(person)
        db.session.expunge_all()
    return slug, people


def test_people_ticking_each_other_at_once_connect_once(racing_app: Flask) -> None:
    slug, people = _setup(racing_app)
    # Each pair: the two tick each other; everyone fires at the same moment.
    moves = []
    for first, second in zip(people[0::2], people[1::2], strict=True):
        moves += [(first, second), (second, first)]
    entries = []
    for ticker, person in moves:
        client = racing_app.test_client()
        sign_in(client, ticker)
        entries.append((client, client.csrf_token(), person.id))
    barrier = threading.Barrier(len(entries))

    def tick(entry: tuple[Client, str, int]) -> int:
        client, token, person_id = entry
        barrier.wait(timeout=30)
        return client.post(
            f"/events/{slug}/people/{person_id}/stay-in-touch",
            data={"csrf_token": token, "want": "yes"},
        ).status_code

    with ThreadPoolExecutor(max_workers=len(entries)) as pool:
        statuses = list(pool.map(tick, entries))

    assert statuses == [303] * len(entries)
    with racing_app.app_context():
        count = db.session.scalar
        assert count(select(func.count()).select_from(StayInTouch)) == 2 * PAIRS
        assert count(select(func.count()).select_from(Connection)) == PAIRS
        mails = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.template == "stay_in_touch_mutual")
        ).all()
        assert sorted(mails) == sorted(person.email for person in people)
