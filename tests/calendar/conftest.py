"""A real CalDAV server for the calendar tests: Radicale on loopback."""

from __future__ import annotations

import base64
import http.client
import itertools
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest


@dataclass
class CalDav:
    port: int
    user: str = "tester"

    @property
    def home(self) -> str:
        """The user's own collection, where their calendars go."""
        return f"/{self.user}/"

    def request(
        self, method: str, path: str, body: bytes | str = b"", headers: dict | None = None
    ) -> tuple[int, bytes]:
        credentials = base64.b64encode(f"{self.user}:secret".encode()).decode()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request(
            method, path, body=body,
            headers={"Authorization": f"Basic {credentials}", **(headers or {})},
        )  # fmt: skip
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data


@pytest.fixture(scope="module")
def _radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CalDav]:
    """Radicale 3 with a temporary folder, any password accepted: one server
    per module (it takes a second to start)."""
    pytest.importorskip("radicale", reason="needs Radicale: pip install -e '.[dev]'")
    tmp_path = tmp_path_factory.mktemp("radicale")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(tmp_path / "radicale"), "--auth-type", "none",
         "--logging-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    server = CalDav(port)
    deadline = time.monotonic() + 20
    while True:
        try:
            server.request("OPTIONS", "/")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Radicale did not start: {process.stderr.read()!r}") from None
            time.sleep(0.1)
    yield server
    process.terminate()
    process.wait(timeout=10)


_users = itertools.count(1)


@pytest.fixture
def caldav(_radicale: CalDav) -> CalDav:
    """The CalDAV server, as a user of its own: each test starts with an
    empty home (caldav.home), whatever ran before it."""
    return CalDav(_radicale.port, user=f"tester{next(_users)}")
