"""Taking a row's lock re-reads the row: what another transaction committed
while this one waited (a capacity lowered, an event cancelled) is what the
rules then read, never the copy loaded before the lock (PostgreSQL: the
lock waits for the other transaction, and the ORM keeps its loaded copy
unless the locked row is fetched)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from meetup.extensions import db
from meetup.models import Event
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from meetup.services.rsvps.seats import lock_event


def test_locking_an_event_reads_what_was_committed_meanwhile(committed_postgres_app):
    app = committed_postgres_app
    with app.app_context():
        host = credentials.register_user(
            email="locker@example.org", display_name="Locker", password="correct horse battery"
        )
        host.email_verified_at = utcnow()
        start = (utcnow() + timedelta(days=7)).replace(tzinfo=None, second=0, microsecond=0)
        details = event_details.EventDetails(
            title="Five seats", timezone="UTC", starts_local=start,
            ends_local=start + timedelta(hours=2), venue_name="Room", capacity=5,
        )  # fmt: skip
        lifecycle.publish_event(host, event := lifecycle.create_event(host, details).event)
        db.session.commit()
        event_id = event.id
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.id == event_id))
        assert event.capacity == 5  # loaded, as a request loads it first
        with db.engine.connect() as other:  # a host lowers it and commits
            other.execute(text("UPDATE event SET capacity = 2 WHERE id = :id"), {"id": event_id})
            other.commit()
        lock_event(event)
        assert event.capacity == 2
