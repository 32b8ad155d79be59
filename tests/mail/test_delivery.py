"""Delivering the outbox over real SMTP (aiosmtpd on loopback), faults included."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.mail.transports import SmtpTransport
from meetup.mail.worker import MailWorker
from meetup.models import OutboxMessage, OutboxStatus
from meetup.models.types import utcnow
from meetup.outbox import Mail, queue_mail, queue_mail_bulk

ROOT = Path(__file__).resolve().parents[2]

CALENDAR = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Meetup//Tests//EN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        "UID:event-1@meetup.test",
        "DTSTAMP:20261122T100000Z",
        "DTSTART:20261201T180000Z",
        "DTEND:20261201T200000Z",
        "SUMMARY:Founders breakfast",
        "ORGANIZER;CN=Ada:mailto:noreply@localhost",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:person1@example.org",
        "SEQUENCE:0",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


def _queue(app, count: int, **overrides) -> None:
    with app.app_context():
        queue_mail_bulk(
            [
                Mail(
                    to=f"person{n}@example.org",
                    subject=f"Message {n}",
                    template="verify_email",
                    dedupe_key=f"delivery-test:{n}",
                    context={"name": f"Person {n}", "url": f"https://x.example/{n}",
                             "valid_for": "1 day"},
                    **overrides,
                )
                for n in range(count)
            ]
        )  # fmt: skip
        db.session.commit()


class Clock:
    """The worker's idea of now; tests move it forward past retry delays."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def _deliver(app, url: str, clock: Clock | None = None):
    with app.app_context():
        worker = MailWorker(SmtpTransport(url, timeout=5), clock=clock or utcnow, batch_size=7)
        return worker.deliver_due()


def _statuses(app) -> dict[str, int]:
    with app.app_context():
        return {
            status.value: count
            for status, count in db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
        }


def test_message_arrives_with_headers_and_parts(app, smtp_server) -> None:
    with app.app_context():
        queue_mail(
            Mail(
                to="Grace@Example.org",
                subject="Confirm your email address",
                template="verify_email",
                dedupe_key="one",
                context={"name": "Grace <b>", "url": "https://x.example/v?a=1&b=2",
                         "valid_for": "3 days"},
                headers={"Reply-To": "host@example.org"},
            )
        )  # fmt: skip
        db.session.commit()
    report = _deliver(app, smtp_server.url)
    assert report.sent == 1
    [message] = smtp_server.received
    assert message["To"] == "grace@example.org"
    assert message["From"] == "Meetup <noreply@localhost>"
    assert message["Subject"] == "Confirm your email address"
    assert message["Reply-To"] == "host@example.org"
    assert message["Message-ID"].endswith("@localhost>")
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "https://x.example/v?a=1&b=2" in text
    assert "Hello Grace <b>," in text
    assert "Grace &lt;b&gt;" in html and "a=1&amp;b=2" in html
    assert _statuses(app) == {"sent": 1}


def test_calendar_part_parses_and_its_method_matches(app, smtp_server) -> None:
    _queue(app, 1, calendar=CALENDAR, calendar_method="REQUEST")
    _deliver(app, smtp_server.url)
    [message] = smtp_server.received
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    types = [part.get_content_type() for part in alternative.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]
    calendar_part = list(alternative.iter_parts())[2]
    calendar = Calendar.from_ical(calendar_part.get_content())
    assert calendar_part.get_param("method") == str(calendar["METHOD"]) == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_type() == "application/ics"
    assert Calendar.from_ical(attachment.get_content())["METHOD"] == "REQUEST"


def test_one_connection_carries_a_whole_batch(app, smtp_server, monkeypatch) -> None:
    connections = []
    original = SmtpTransport._connection

    def counting(self):
        if self._smtp is None:
            connections.append(1)
        return original(self)

    monkeypatch.setattr(SmtpTransport, "_connection", counting)
    _queue(app, 20)
    assert _deliver(app, smtp_server.url).sent == 20
    assert len(connections) == 1


def test_server_down_then_4xx_then_dropped_connection_loses_nothing(
    app, stopped_smtp_server
) -> None:
    server = stopped_smtp_server
    _queue(app, 12)
    clock = Clock()

    report = _deliver(app, server.url, clock)  # nobody listening
    assert report.sent == 0 and report.retried == 12
    assert "cannot reach" in report.errors[0]

    server.start()
    server.sink.fault, server.sink.fault_count = "4xx-rcpt", 3
    clock.advance(minutes=2)
    report = _deliver(app, server.url, clock)
    assert report.retried >= 3

    server.sink.fault, server.sink.fault_count = "drop-before-data", 2
    for _ in range(10):
        clock.advance(hours=3)
        _deliver(app, server.url, clock)
    server.sink.fault = "4xx-data"
    server.sink.fault_count = 2
    for _ in range(10):
        clock.advance(hours=3)
        _deliver(app, server.url, clock)

    subjects = sorted(message["Subject"] for message in server.received)
    assert subjects == sorted(f"Message {n}" for n in range(12))  # all, none twice
    assert _statuses(app) == {"sent": 12}
    with app.app_context():
        attempts = db.session.scalars(select(OutboxMessage.attempts)).all()
        assert max(attempts) >= 2


def test_permanent_failure_is_kept_for_the_operator(app, smtp_server, runner) -> None:
    _queue(app, 2)
    smtp_server.sink.fault, smtp_server.sink.fault_count = "5xx-rcpt", 1
    report = _deliver(app, smtp_server.url)
    assert (report.sent, report.failed) == (1, 1)
    assert _statuses(app) == {"sent": 1, "failed": 1}
    result = runner.invoke(args=["meetup", "mail-status"])
    assert "  failed: 1" in result.output
    assert "    sent: 1" in result.output
    assert "550 5.1.1 No such user here" in result.output


def test_retries_back_off_exponentially_and_give_up(app, stopped_smtp_server) -> None:
    from meetup.mail import delivery

    _queue(app, 1)
    clock = Clock()
    delays = []
    with app.app_context():
        for _ in range(delivery.MAX_ATTEMPTS):
            _deliver(app, stopped_smtp_server.url, clock)
            row = db.session.scalar(select(OutboxMessage))
            db.session.expire_all()
            if row.status == OutboxStatus.FAILED:
                break
            delays.append((row.next_attempt_at - clock.now).total_seconds())
            clock.now = row.next_attempt_at
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == delivery.MAX_ATTEMPTS
    assert 24 <= delays[0] <= 36 and 48 <= delays[1] <= 72
    assert max(delays) <= 2 * 3600 * 1.2


def test_not_due_messages_wait(app, smtp_server) -> None:
    _queue(app, 1)
    with app.app_context():
        db.session.scalar(select(OutboxMessage)).next_attempt_at = utcnow() + timedelta(hours=1)
        db.session.commit()
    assert _deliver(app, smtp_server.url).sent == 0


def test_deliver_mail_once_command(app, runner, smtp_server) -> None:
    _queue(app, 3)
    app.config["SMTP_URL"] = smtp_server.url
    try:
        result = runner.invoke(args=["meetup", "deliver-mail", "--once"])
    finally:
        app.config["SMTP_URL"] = None
    assert result.exit_code == 0, result.output
    assert "Mail: sent 3, to retry 0, failed 0" in result.output
    assert len(smtp_server.received) == 3


def test_console_and_folder_transports_are_the_embedded_default(app, runner, tmp_path) -> None:
    _queue(app, 1)
    result = runner.invoke(args=["meetup", "deliver-mail", "--once"])
    assert "Subject: Message 0" in result.output
    assert "To: person0@example.org" in result.output

    _queue(app, 2)
    with app.app_context():
        db.session.execute(OutboxMessage.__table__.delete())
        db.session.commit()
    _queue(app, 2)
    app.config["MAIL_DIR"] = str(tmp_path / "mail")
    try:
        runner.invoke(args=["meetup", "deliver-mail", "--once"])
    finally:
        app.config["MAIL_DIR"] = None
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"].startswith("Message ")


def test_two_workers_on_postgresql_send_each_message_once(
    committed_postgres_app, smtp_server
) -> None:
    app = committed_postgres_app
    _queue(app, 300)
    reports = []

    def work(name: str) -> None:
        with app.app_context():
            worker = MailWorker(SmtpTransport(smtp_server.url), batch_size=10, name=name)
            reports.append(worker.deliver_due())
            db.session.remove()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    ids = [message["Message-ID"] for message in smtp_server.received]
    assert len(ids) == 300
    assert len(set(ids)) == 300
    assert all(report.sent > 0 for report in reports), [r.sent for r in reports]
    assert _statuses(app) == {"sent": 300}


def test_worker_stops_cleanly_on_sigterm(committed_postgres_app, smtp_server, tmp_path) -> None:
    """A real worker process: SIGTERM ends it after the message in hand, and
    what it had claimed but not sent goes back to the queue at once."""
    app = committed_postgres_app
    _queue(app, 400)
    env = {
        "PATH": "/usr/bin:/bin",
        "MEETUP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MEETUP_SECRET_KEY": "x",
        "MEETUP_SMTP_URL": smtp_server.url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "meetup", "meetup", "deliver-mail",
         "--batch-size", "100", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while len(smtp_server.received) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.send_signal(signal.SIGTERM)
    output = worker.communicate(timeout=30)[0].decode()
    assert worker.returncode == 0, output
    assert "stopping after this message" in output
    statuses = _statuses(app)
    assert statuses.get("sent", 0) == len(smtp_server.received)
    with app.app_context():
        leased = db.session.scalar(
            select(func.count()).where(OutboxMessage.claimed_until.is_not(None))
        )
    assert leased == 0  # nothing left waiting for a lease to run out
    if statuses.get("queued"):
        _deliver(app, smtp_server.url)
    assert len({m["Message-ID"] for m in smtp_server.received}) == 400


@pytest.mark.parametrize("url", ["http://x", "smtp://", "mail.example.org"])
def test_bad_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="MEETUP_SMTP_URL"):
        SmtpTransport(url)


def test_non_ascii_subject_sender_and_body_survive_delivery(app, smtp_server) -> None:
    app.config["MAIL_FROM_NAME"] = "Rencontres Pros – Chloé"
    try:
        with app.app_context():
            queue_mail(
                Mail(
                    to="zoe@Bücher.example",
                    subject="Confirmez votre adresse, Zoë — 東京",
                    template="verify_email",
                    dedupe_key="unicode",
                    context={
                        "name": "Zoë 東京",
                        "url": "https://x.example/é",
                        "valid_for": "3 jours",
                    },
                )
            )
            db.session.commit()
        assert _deliver(app, smtp_server.url).sent == 1
    finally:
        app.config["MAIL_FROM_NAME"] = "Meetup"
    [message] = smtp_server.received
    assert message["Subject"] == "Confirmez votre adresse, Zoë — 東京"
    assert message["From"].addresses[0].display_name == "Rencontres Pros – Chloé"
    assert message["To"] == "zoe@xn--bcher-kva.example"
    assert "Hello Zoë 東京," in message.get_body(("plain",)).get_content()


def test_a_message_that_cannot_be_built_fails_alone(app, smtp_server) -> None:
    _queue(app, 3)
    with app.app_context():
        broken = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id))
        broken.template = "no_such_template"
        db.session.commit()
    report = _deliver(app, smtp_server.url)
    assert (report.sent, report.failed) == (2, 1)
    assert "cannot build the message" in report.errors[0]
    assert _statuses(app) == {"sent": 2, "failed": 1}
