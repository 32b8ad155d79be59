"""How long a host's requests that mail 2,000 people going take to answer:
`python bench/host_message.py` (SQLite file; MEETUP_DATABASE_URL for
PostgreSQL, whose schema is dropped and rebuilt).

- a message to everyone going: validate, read the recipients, one outbox row
  each in a multi-row INSERT (the worker sends them later);
- a change of venue: save the event, raise its sequence and queue the
  updated calendar invitation (REQUEST) for everyone going, the same way.

Prints the median of 5 requests of each kind (each one mails all 2,000).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RECIPIENTS = 2000


def main() -> None:
    import flask_migrate
    from sqlalchemy import insert, select

    from bench.sessions import mint_sessions
    from meetup import create_app
    from meetup.extensions import db
    from meetup.models import Event, EventHost, HostRole, Rsvp, RsvpStatus, User
    from meetup.models.types import utcnow

    url = os.environ.get("MEETUP_DATABASE_URL") or (
        f"sqlite:///{Path(tempfile.mkdtemp(prefix='meetup-msg-')) / 'bench.sqlite3'}"
    )
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        flask_migrate.upgrade()
        now = utcnow()
        db.session.execute(
            insert(User),
            [
                {"email": f"guest{n}@bench.example.org", "display_name": f"Guest {n}",
                 "password_hash": "!", "created_at": now,
                 "email_verified_at": now}
                for n in range(RECIPIENTS + 1)
            ],
        )  # fmt: skip
        ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        host_id, guest_ids = ids[0], ids[1:]
        start = (now + timedelta(days=7)).replace(second=0, microsecond=0, tzinfo=None)
        end = start + timedelta(hours=3)
        event = Event(
            slug="big-night", title="Big night", starts_at=now + timedelta(days=7),
            ends_at=now + timedelta(days=7, hours=3), timezone="UTC", venue_name="Hall",
            status="published", created_by_id=host_id, search_text="big night",
        )  # fmt: skip
        db.session.add(event)
        db.session.flush()
        db.session.add(EventHost(event_id=event.id, user_id=host_id, role=HostRole.CREATOR))
        db.session.execute(
            insert(Rsvp),
            [{"event_id": event.id, "user_id": user_id, "status": RsvpStatus.GOING,
              "guests": 0, "answers": {}, "created_at": now, "updated_at": now,
              "is_person_listed": True}
             for user_id in guest_ids],
        )  # fmt: skip
        db.session.commit()
        host = mint_sessions(app, [host_id])[0]
    client = app.test_client()
    name, _, value = host["cookie"].partition("=")
    client.set_cookie(name, value)
    timings = []
    for number in range(5):
        began = time.perf_counter()
        response = client.post(
            "/events/big-night/message",
            data={"csrf_token": host["csrf_token"], "audience": "going",
                  "subject": f"Doors open at six ({number})", "body": "See you there."},
        )  # fmt: skip
        timings.append(time.perf_counter() - began)
        assert response.status_code == 303, response.status_code
    backend = url.split(":", 1)[0]
    _report(f"{backend}: a message to {RECIPIENTS:,} people", timings)
    timings = []
    for number in range(5):
        began = time.perf_counter()
        response = client.post(
            "/events/big-night/edit",
            data={"csrf_token": host["csrf_token"], "title": "Big night", "timezone": "UTC",
                  "starts_at": f"{start:%Y-%m-%dT%H:%M}", "ends_at": f"{end:%Y-%m-%dT%H:%M}",
                  "venue_name": f"Hall {number}", "visibility": "public",
                  "directory_visibility": "attendees", "guest_limit": "0"},
        )  # fmt: skip
        timings.append(time.perf_counter() - began)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    _report(f"{backend}: a venue change, invitations to {RECIPIENTS:,}", timings)


def _report(what: str, timings: list[float]) -> None:
    print(f"{what} answers in {statistics.median(timings) * 1000:.0f} ms (median of 5; "
          f"min {min(timings) * 1000:.0f}, max {max(timings) * 1000:.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
