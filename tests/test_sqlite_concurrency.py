"""The embedded default under concurrent writers: web requests and the mail
worker share one SQLite file, and nobody gets "database is locked"."""

from __future__ import annotations

import itertools
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from meetup import cli, create_app
from meetup.extensions import db
from meetup.mail.transports import DirectoryTransport
from meetup.mail.worker import MailWorker
from meetup.models import OutboxMessage, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import replying
from tests.plugins.app import Client, app_settings, sign_in


def test_sign_ups_and_the_mail_worker_share_a_sqlite_file(tmp_path, fresh_sqlite_url) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "DATABASE_URL": fresh_sqlite_url("shared.sqlite3"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        }
    )
    stop = threading.Event()

    def deliver() -> None:
        with app.app_context():
            worker = MailWorker(DirectoryTransport(tmp_path / "mail"), batch_size=5)
            while not stop.is_set():
                worker.deliver_due()
                db.session.remove()

    def sign_up(number: int) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number + 1}"  # one sign-up each
        html = client.get("/signup").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        response = client.post(
            "/signup",
            data={"csrf_token": token, "email": f"p{number}@example.org",
                  "display_name": f"P {number}", "password": "x" * 12},
        )  # fmt: skip
        return response.status_code

    worker_thread = threading.Thread(target=deliver)
    worker_thread.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(sign_up, range(60)))
    finally:
        stop.set()
        worker_thread.join(timeout=30)
    assert statuses == [303] * 60
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 60
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 60
        db.engine.dispose()


def _world(app, *, people: int, events_count: int) -> list[int]:
    """People going to several events starting within the reminders' lead
    and one that ended yesterday; returns the people's ids."""
    with app.app_context():
        members = []
        for number in range(people):
            member = credentials.register_user(
                email=f"m{number}@example.org", display_name=f"M {number}", password="x" * 12
            )
            member.email_verified_at = utcnow()
            members.append(member)
        db.session.flush()
        start = (utcnow() + timedelta(hours=12)).astimezone(ZoneInfo("Europe/Paris"))
        start = start.replace(second=0, microsecond=0, tzinfo=None)
        for number in range(events_count):
            details = event_details.EventDetails(
                title=f"Evening {number}", timezone="Europe/Paris", starts_local=start,
                ends_local=start + timedelta(hours=2), venue_name="Hall", venue_address="Paris",
            )  # fmt: skip
            event = lifecycle.create_event(members[0], details).event
            lifecycle.publish_event(members[0], event)
            for member in members:
                replying.respond(member, event, replying.Reply(going=True))
            if number == 0:  # over: its follow-ups are due
                event.starts_at -= timedelta(days=2)
                event.ends_at -= timedelta(days=2)
        db.session.commit()
        ids = [member.id for member in members]
        db.session.remove()
    return ids


@pytest.mark.parametrize("on_a_terminal", [False, True], ids=["cron", "terminal"])
def test_the_periodic_jobs_run_while_members_save_their_profiles(
    fresh_sqlite_url, caplog, monkeypatch, on_a_terminal
) -> None:
    """Issue 34, item 10: each job step that reads then writes takes SQLite's
    write lock first, so a profile saved meanwhile makes it wait, never fail.
    On a terminal too (`make run`'s loop), where the jobs print as they go."""
    monkeypatch.setattr(cli, "on_a_terminal", lambda: on_a_terminal)
    app = create_app(app_settings(fresh_sqlite_url("jobs.sqlite3")))
    app.test_client_class = Client
    ids = _world(app, people=30, events_count=6)
    stop = threading.Event()
    saves: list[int] = []

    clients = []
    for person_id in ids:  # signed in before the jobs start: this helper does not wait
        client = app.test_client()
        with app.app_context():
            sign_in(client, db.session.get(User, person_id))
        clients.append(client)

    def save_profiles() -> None:
        for turn in itertools.count():
            if stop.is_set():
                break
            response = clients[turn % len(clients)].submit(
                "/profile/edit",
                {"display_name": f"M {turn}", "timezone": "Europe/Paris",
                 "interests": f"topic{turn % 7}, python", "offers": "advice"},
            )  # fmt: skip
            saves.append(response.status_code)
            time.sleep(0.01)

    saver = threading.Thread(target=save_profiles)
    saver.start()
    results = []
    try:
        time.sleep(0.2)
        runner = app.test_cli_runner()
        for command in (["build-suggestions"] * 5 + ["send-reminders", "send-followups"]
                        + [["run-jobs", "--once"]] * 2):  # fmt: skip
            args = ["meetup", *([command] if isinstance(command, str) else command)]
            results.append((args, runner.invoke(args=args, catch_exceptions=True)))
    finally:
        stop.set()
        saver.join(timeout=60)
    with app.app_context():
        db.engine.dispose()
    failures = [
        (args, result.output, repr(result.exception))
        for args, result in results
        if result.exit_code != 0 or "locked" in result.output
    ]
    assert failures == []
    assert "database is locked" not in caplog.text  # run-jobs logs a failing job
    assert saves and set(saves) == {303}
