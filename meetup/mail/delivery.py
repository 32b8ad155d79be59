"""The delivery side of the outbox: claim due messages, record what happened.

Workers call these between SMTP conversations and commit after each (see
meetup.mail.worker): a claim is a short transaction that leases rows to one
worker, so no lock is held while talking to the SMTP server, and each
outcome is recorded the moment the server has answered.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select, update

from meetup.extensions import db
from meetup.models import OutboxMessage, OutboxStatus
from meetup.transactions import begin_write

LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)
# With doubling from 30 s capped at 2 h, 20 attempts span about a day.
MAX_ATTEMPTS = 20


def claim_due(*, worker: str, limit: int, now: datetime) -> list[OutboxMessage]:
    """Lease up to `limit` due messages to `worker` and return them, oldest first.

    On PostgreSQL, FOR UPDATE SKIP LOCKED lets concurrent workers claim
    disjoint rows without waiting for each other; on SQLite the transaction
    takes the write lock first, so claims are serialised.
    """
    begin_write(db.session)
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.QUEUED,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(db.session.scalars(due))
    if not ids:
        return []
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(claimed_until=now + LEASE, claimed_by=worker)
    )
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    )


def record_sent(message: OutboxMessage, *, now: datetime) -> None:
    db.session.execute(_MARK_SENT, {"row_id": message.id, "accepted_at": now})


# A plain Core UPDATE, built once, not the unit of work: it runs once per
# message and sets the worker's pace.
_outbox = OutboxMessage.__table__
_MARK_SENT = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("row_id"))
    .values(
        status=OutboxStatus.SENT,
        attempts=_outbox.c.attempts + 1,
        sent_at=bindparam("accepted_at"),
        claimed_until=None,
        last_error=None,
    )
)


def record_failure(message: OutboxMessage, error: str, *, temporary: bool, now: datetime) -> None:
    """Schedule the next attempt with exponential backoff, or give up.

    Permanent failures (5xx) and messages out of attempts are kept as failed,
    with their last error, for the operator (`flask meetup mail-status`).
    """
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_until = None
    if not temporary or message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)


def release(messages: list[OutboxMessage]) -> None:
    """Give back claimed messages that were not tried (the worker is stopping)."""
    for message in messages:
        message.claimed_until = None
        message.claimed_by = None


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min... up to 2 h, with ±20 % jitter so retries spread out."""
    base = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
    return base * random.uniform(0.8, 1.2)


@dataclass(frozen=True)
class MailStatus:
    counts: dict[str, int]
    due_now: int
    oldest_queued_at: datetime | None
    recent_errors: list[OutboxMessage]


def mail_status(*, now: datetime, errors: int = 10) -> MailStatus:
    """What the operator needs: counts, backlog, and the latest errors."""
    counts = Counter(
        {
            status.value: count
            for status, count in db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
        }
    )
    queued = OutboxMessage.status == OutboxStatus.QUEUED
    due_now = db.session.scalar(
        select(func.count()).where(queued, OutboxMessage.next_attempt_at <= now)
    )
    oldest = db.session.scalar(select(func.min(OutboxMessage.created_at)).where(queued))
    recent_errors = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.last_error.is_not(None))
            .order_by(OutboxMessage.id.desc())
            .limit(errors)
        )
    )
    return MailStatus(
        counts={status.value: counts[status.value] for status in OutboxStatus},
        due_now=due_now or 0,
        oldest_queued_at=oldest,
        recent_errors=recent_errors,
    )
