"""An invitation to co-host accepted twice at once, and accepted while the
event is being cancelled: one outcome, never an error, on a SQLite file
(BEGIN IMMEDIATE serialises the requests) and on PostgreSQL (the
invitation's row is locked by the accept; cancelling deletes it)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, EventHost, EventStatus, User
from meetup.models.types import utcnow
from meetup.services.events import event_details
from meetup.services.hosting import hosts, lifecycle
from tests.followups.helpers import make_person
from tests.plugins.app import sign_in


def _event_with_invitation(app: Flask) -> tuple[str, str, User, User]:
    creator, invitee = make_person(app, 1), make_person(app, 2)
    with app.app_context():
        start = datetime.now() + timedelta(days=7)
        actor = db.session.get(User, creator.id)
        event = lifecycle.create_event(
            actor,
            event_details.EventDetails(title="Race night", timezone="UTC", starts_local=start,
                                ends_local=start + timedelta(hours=2), venue_name="Hall"),
        ).event  # fmt: skip
        lifecycle.publish_event(actor, event, now=utcnow())
        token = hosts.invite_cohost(actor, event, email=invitee.email)
        db.session.commit()
        slug = event.slug
    return slug, token, creator, invitee


def test_two_accepts_and_a_cancellation_at_once(racing_app: Flask) -> None:
    slug, token, creator, invitee = _event_with_invitation(racing_app)
    clients = {}
    for name, person in (("accept1", invitee), ("accept2", invitee), ("cancel", creator)):
        client = racing_app.test_client()
        sign_in(client, person)
        client.csrf_token()  # the session's token, before the race
        clients[name] = client
    barrier = threading.Barrier(len(clients))

    def act(name: str) -> int:
        barrier.wait(timeout=30)
        if name == "cancel":
            url, data = f"/events/{slug}/cancel", {"message": "Sorry"}
        else:
            url, data = f"/host-invitations/{token}", {}
        return clients[name].submit(url, data).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = dict(zip(clients, pool.map(act, clients), strict=True))
    assert codes["cancel"] == 303
    accepted = [name for name in ("accept1", "accept2") if codes[name] == 303]
    assert len(accepted) <= 1, codes
    assert all(codes[name] in (303, 404, 409) for name in ("accept1", "accept2")), codes
    with racing_app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        rows = db.session.scalars(
            select(EventHost).where(EventHost.event_id == event.id, EventHost.user_id == invitee.id)
        ).all()
        assert event.status == EventStatus.CANCELLED
        # Accepted before the cancellation, or not at all: never after it.
        assert len(rows) == len(accepted)
        db.session.remove()
