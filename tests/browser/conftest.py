"""A real server and a real browser (Debian's Chromium, driven by Selenium)."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from meetup import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    def __init__(self, app: Flask, port: int) -> None:
        self.app = app
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(fresh_sqlite_url) -> Iterator[LiveServer]:
    """The app on a real port with its own migrated SQLite file (real commits)."""
    port = _free_port()
    app = create_app(
        {
            "TESTING": True,
            "ENV": "development",
            "SECRET_KEY": "browser-tests",
            "DATABASE_URL": fresh_sqlite_url("browser.sqlite3"),
            "BASE_URL": f"http://127.0.0.1:{port}",
            "RATELIMIT_STORAGE_URL": "memory://",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        }
    )
    server = LiveServer(app, port)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def _chromium() -> Iterator[object]:
    """One Chromium per module: it takes about a second to start."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip(
            "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        )
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,1000",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.implicitly_wait(5)
    driver.start_size = driver.get_window_size()
    yield driver
    driver.quit()


@pytest.fixture
def browser(_chromium) -> Iterator[object]:
    """The module's Chromium, as if new: no cookies, no cache, no console
    messages from before, the default window size, a blank page."""
    _chromium.get("about:blank")
    _chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
    _chromium.execute_cdp_cmd("Network.clearBrowserCache", {})
    _chromium.set_window_size(**_chromium.start_size)
    _chromium.get_log("browser")  # reading the log empties it
    yield _chromium
    _chromium.get("about:blank")  # leave the live server before it stops
