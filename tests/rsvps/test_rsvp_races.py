"""Many people replying at once: no overbooking, a gapless waitlist, no errors.

Each thread is its own client and member, as in a real rush. Both real
backends: a SQLite file (BEGIN IMMEDIATE serialises writers) and PostgreSQL
(the event's row lock), each with committed data the threads can see.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import OutboxMessage, Rsvp, RsvpStatus, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from tests.plugins.app import Client, sign_in

SEATS = 5
PEOPLE = 40
THREADS = 12


def _setup(app: Flask) -> tuple[str, list[User]]:
    """A published event with SEATS seats, and PEOPLE verified members."""
    with app.app_context():
        people = []
        for number in range(PEOPLE + 1):
            person = credentials.register_user(
                email=f"racer{number}@example.org", display_name=f"Racer {number}",
                password="correct horse battery",
            )  # fmt: skip
            person.email_verified_at = utcnow()
            people.append(person)
        host, people = people[0], people[1:]
        start = (utcnow() + timedelta(days=7)).replace(tzinfo=None, second=0, microsecond=0)
        details = event_details.EventDetails(
            title="The last seats", timezone="UTC", starts_local=start,
            ends_local=start + timedelta(hours=2), venue_name="Small room", capacity=SEATS,
        )  # fmt: skip
        event = lifecycle.create_event(host, details).event
        lifecycle.publish_event(host, event)
        db.session.commit()
        slug = event.slug
        for person in people:
            db.session.refresh(person)
        db.session.expunge_all()
    return slug, people


def _rush(app: Flask, slug: str, people: list[User], response: str) -> list[int]:
    """Everyone submits at the same moment; returns the HTTP statuses."""
    clients = []
    for person in people:
        client = app.test_client()
        sign_in(client, person)
        html = client.get(f"/events/{slug}").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        clients.append((client, token))
    go = threading.Event()

    def submit(entry: tuple[Client, str]) -> int:
        client, token = entry
        go.wait()
        reply = client.post(
            f"/events/{slug}/rsvp", data={"csrf_token": token, "response": response}
        )
        return reply.status_code

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(submit, entry) for entry in clients]
        go.set()  # every worker thread holds a request ready: they all fire now
        return [future.result() for future in futures]


def _lineup(app: Flask, slug: str) -> tuple[list[int], list[tuple[int, int]]]:
    """(ids going, [(id, position)] waitlisted in order)."""
    with app.app_context():
        rows = db.session.execute(
            select(Rsvp.user_id, Rsvp.status, Rsvp.waitlist_position)
            .join(Rsvp.event)
            .where(Rsvp.event.has(slug=slug))
        ).all()
    going = sorted(user for user, status, _ in rows if status == RsvpStatus.GOING)
    waiting = sorted(
        ((user, position) for user, status, position in rows if status == RsvpStatus.WAITLISTED),
        key=lambda pair: pair[1],
    )
    return going, waiting


def test_a_rush_for_the_last_seats_never_overbooks(racing_app: Flask) -> None:
    slug, people = _setup(racing_app)
    statuses = _rush(racing_app, slug, people, "going")
    assert statuses == [303] * PEOPLE
    going, waiting = _lineup(racing_app, slug)
    assert len(going) == SEATS
    assert [position for _, position in waiting] == list(range(1, PEOPLE - SEATS + 1))

    # Everyone going and every other person waiting withdraw at once: each
    # freed seat goes to the head of the queue, which closes up behind them.
    order = [user for user, _ in waiting]
    leaving_queue = set(order[::2])
    leaving = [p for p in people if p.id in set(going) | leaving_queue]
    statuses = _rush(racing_app, slug, leaving, "not_going")
    assert statuses == [303] * len(leaving)
    remaining = [user for user in order if user not in leaving_queue]
    going, waiting = _lineup(racing_app, slug)
    assert going == sorted(remaining[:SEATS])
    assert [user for user, _ in waiting] == remaining[SEATS:]
    assert [position for _, position in waiting] == list(range(1, len(remaining) - SEATS + 1))
    with racing_app.app_context():
        sent = [
            (m.recipient, m.context["notice"]) for m in db.session.scalars(select(OutboxMessage))
        ]
    emails = {person.id: person.email for person in people}
    assert {(emails[user], "promoted") for user in going} <= set(sent)
    assert [notice for _, notice in sent].count("going") == SEATS
    # Someone may be promoted a moment before their own withdrawal: told both.
    assert [notice for _, notice in sent].count("withdrawn") == len(leaving)
