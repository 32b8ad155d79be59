"""A real SMTP server (aiosmtpd) on 127.0.0.1, with faults on demand: the mail
and calendar tests deliver to it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """Accepts mail like a relay would; `fault` makes the next commands fail.

    fault: None, "4xx-rcpt", "4xx-data", "5xx-rcpt", "drop-before-data".
    `fault_count` limits how many times the fault happens (None: always).
    """

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.fault: str | None = None
        self.fault_count: int | None = None
        self.lock = threading.Lock()

    def _faulting(self, kind: str) -> bool:
        with self.lock:
            if self.fault != kind or self.fault_count == 0:
                return False
            if self.fault_count is not None:
                self.fault_count -= 1
            return True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._faulting("4xx-rcpt"):
            return "451 4.3.0 Try again later"
        if self._faulting("5xx-rcpt"):
            return "550 5.1.1 No such user here"
        if self._faulting("drop-before-data"):
            server.transport.close()
            return "421 closing"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self._faulting("4xx-data"):
            return "452 4.3.1 Insufficient system storage"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.sink = SmtpSink()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[EmailMessage]:
        return self.sink.received

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on a free loopback port."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stopped_smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server that is down until the test calls start()."""
    server = SmtpServer(free_port())
    yield server
    server.stop()
