"""Queuing mail: in the caller's transaction, once per dedupe key, in bulk."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import OutboxMessage, OutboxStatus
from meetup.outbox import Mail, queue_mail, queue_mail_bulk


def _mail(number: int = 1, **overrides) -> Mail:
    values = {
        "to": f"person{number}@example.org",
        "subject": "Hello",
        "template": "verify_email",
        "dedupe_key": f"test:{number}",
        "context": {"name": f"Person {number}", "url": "https://x.example/", "valid_for": "1 day"},
    }
    return Mail(**{**values, **overrides})


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_queued_mail_commits_with_the_change(app) -> None:
    with app.app_context():
        assert queue_mail(_mail()) is True
        db.session.commit()
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert row.recipient == "person1@example.org"
        assert row.status == OutboxStatus.QUEUED
        assert row.attempts == 0
        assert row.message_id.startswith("<") and row.message_id.endswith("@localhost>")


def test_rolled_back_transaction_leaves_no_mail(app) -> None:
    with app.app_context():
        queue_mail(_mail())
        db.session.rollback()
    with app.app_context():
        assert _count() == 0


def test_same_dedupe_key_is_queued_once(app) -> None:
    with app.app_context():
        assert queue_mail(_mail()) is True
        assert queue_mail(_mail(subject="Hello again")) is False
        db.session.commit()
        assert queue_mail(_mail()) is False
        assert _count() == 1


def test_bulk_queue_skips_existing_keys(app) -> None:
    with app.app_context():
        queue_mail(_mail(3))
        added = queue_mail_bulk([_mail(number) for number in range(1, 2001)])
        assert added == 1999
        assert _count() == 2000


def test_bulk_queue_is_one_round_trip_per_batch(app) -> None:
    """2,000 recipients must not mean 2,000 INSERT statements (query count)."""
    from sqlalchemy import event

    statements: list[str] = []
    with app.app_context():
        connection = db.session.connection()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(connection, "before_cursor_execute", listener)
        queue_mail_bulk([_mail(number) for number in range(2000)])
        event.remove(connection, "before_cursor_execute", listener)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert 1 <= len(inserts) <= 10


@pytest.mark.parametrize(
    "mail",
    [
        _mail(to="not an address"),
        _mail(calendar="BEGIN:VCALENDAR", calendar_method=None),
        _mail(calendar="BEGIN:VCALENDAR", calendar_method="PARTY"),
        _mail(headers={"Bcc": "spy@example.org"}),
    ],
)
def test_malformed_mail_is_refused(app, mail: Mail) -> None:
    with app.app_context(), pytest.raises(ValueError):
        queue_mail(mail)


def test_line_breaks_in_subject_and_headers_cannot_inject(app) -> None:
    with app.app_context():
        queue_mail(
            _mail(
                subject="Hi\r\nBcc: spy@example.org\nX-Evil: 1",
                headers={"Reply-To": "host@example.org\r\nBcc: spy@example.org"},
            )
        )
        row = db.session.scalar(select(OutboxMessage))
        assert row.subject == "Hi Bcc: spy@example.org X-Evil: 1"
        assert "\n" not in row.headers["Reply-To"] and "\r" not in row.headers["Reply-To"]
