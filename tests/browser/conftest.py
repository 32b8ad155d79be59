"""A real server and a real browser (Debian's Chromium, driven by Selenium)."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

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


def _live_app(database_url: str, port: int) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "ENV": "development",
            "SECRET_KEY": "browser-tests",
            "DATABASE_URL": database_url,
            "BASE_URL": f"http://127.0.0.1:{port}",
            "RATELIMIT_STORAGE_URL": "memory://",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        }
    )


@pytest.fixture
def live_server(fresh_sqlite_url) -> Iterator[LiveServer]:
    """The app on a real port with its own migrated SQLite file (real commits)."""
    port = _free_port()
    server = LiveServer(_live_app(fresh_sqlite_url("browser.sqlite3"), port), port)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo_server(
    _migrated_sqlite: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The demo world (`flask meetup seed-demo`) on a real port, one per
    module, with the mail its story queued kept and the periodic jobs of the
    production cron (`flask meetup send-...`) run once, so their mail is
    there too."""
    from meetup.cli import meetup_cli
    from meetup.demo import seed_demo
    from meetup.extensions import db

    path = Path(tmp_path_factory.mktemp("demo")) / "demo.sqlite3"
    shutil.copyfile(_migrated_sqlite, path)
    port = _free_port()
    app = _live_app(f"sqlite:///{path}", port)
    with app.app_context():
        seed_demo(keep_mail=True)
        db.session.commit()
    runner = app.test_cli_runner()
    for name in sorted(meetup_cli.commands):
        if name.startswith("send-"):
            result = runner.invoke(args=["meetup", name])
            assert result.exit_code == 0, result.output
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
