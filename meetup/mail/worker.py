"""The mail worker: drains the outbox through a transport (`flask meetup deliver-mail`).

It is an edge like a view: it calls mail.delivery and commits after each
step. A message is marked sent right after the server accepted it, so the
only duplicate a crash can cause is that one message (see README, "Mail").
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from meetup.extensions import db
from meetup.lib.text import ascii_address
from meetup.mail import delivery
from meetup.mail.compose import build_message
from meetup.mail.transports import (
    ConnectionFailure,
    DeliveryFailure,
    Outgoing,
    PermanentFailure,
    Transport,
)
from meetup.models import OutboxMessage, OutboxStatus
from meetup.models.types import utcnow


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"sent {self.sent}, to retry {self.retried}, failed {self.failed}"


class MailWorker:
    def __init__(
        self,
        transport: Transport,
        *,
        batch_size: int = 100,
        clock: Callable[[], datetime] = utcnow,
        should_stop: Callable[[], bool] = lambda: False,
        name: str | None = None,
    ) -> None:
        self.transport = transport
        self.batch_size = batch_size
        self.clock = clock
        self.should_stop = should_stop
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"

    def deliver_due(self) -> DeliveryReport:
        """Send every message due now, batch after batch; return what happened."""
        report = DeliveryReport()
        self.sender = current_app.config["MAIL_FROM_ADDRESS"]
        # The worker commits after every message; reloading the rest of the
        # batch after each commit would double its queries (and the builder
        # thread reads the rows' loaded attributes, never the database).
        db.session().expire_on_commit = False
        app = current_app._get_current_object()
        self._builder = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="mail-build",
            initializer=lambda: app.app_context().push(),
        )  # fmt: skip
        try:
            while not self.should_stop():
                batch = delivery.claim_due(
                    worker=self.name, limit=self.batch_size, now=self.clock()
                )
                db.session.commit()
                if not batch:
                    break
                self._deliver_batch(batch, report)
        finally:
            self._builder.shutdown(cancel_futures=True)
            self.transport.close()
            db.session().expire_on_commit = True
        return report

    def _deliver_batch(self, batch: list[OutboxMessage], report: DeliveryReport) -> None:
        # The builder thread renders, builds and flattens the batch ahead of
        # the sender: that CPU work overlaps the waits for the SMTP server's
        # replies. Each row is read there and written here only once its own
        # build is over (_stop_building), so the two never touch one row at once.
        builds = [self._builder.submit(_build, message) for message in batch]
        try:
            self._send_built(batch, builds, report)
        finally:
            _stop_building(builds)

    def _send_built(
        self, batch: list[OutboxMessage], builds: list[Future[Outgoing]], report: DeliveryReport
    ) -> None:
        for position, (message, build) in enumerate(zip(batch, builds, strict=True)):
            if self.should_stop():
                _stop_building(builds)
                delivery.release(batch[position:])
                db.session.commit()
                return
            try:
                outgoing = build.result()
            except Exception as error:
                # One bad row must not stop the queue; a missing template or
                # unusable data will not get better with retries.
                failure = PermanentFailure(f"cannot build the message: {error!r}")
                self._record_failure(message, failure, report)
                db.session.commit()
                continue
            try:
                self.transport.send(
                    outgoing, sender=self.sender, recipient=ascii_address(message.recipient)
                )
            except DeliveryFailure as error:
                self._record_failure(message, error, report)
                if isinstance(error, ConnectionFailure):
                    # The server is unreachable: the rest of the batch waits too,
                    # without each paying a connection timeout.
                    _stop_building(builds)
                    for waiting in batch[position + 1 :]:
                        self._record_failure(waiting, error, report)
                    db.session.commit()
                    return
            else:
                delivery.record_sent(message, now=self.clock())
                report.sent += 1
            db.session.commit()

    def _record_failure(
        self, message: OutboxMessage, error: DeliveryFailure, report: DeliveryReport
    ) -> None:
        delivery.record_failure(message, str(error), temporary=error.temporary, now=self.clock())
        if message.status == OutboxStatus.FAILED:
            report.failed += 1
        else:
            report.retried += 1
        report.errors.append(f"{message.recipient}: {error}")


def _stop_building(builds: list[Future[Outgoing]]) -> None:
    """Cancel the builds not started and wait for the one under way."""
    for build in builds:
        build.cancel()
    wait(builds)


def _build(message: OutboxMessage) -> Outgoing:
    """Render, build and flatten (on the builder thread, in its app context)."""
    return Outgoing.of(build_message(message))
