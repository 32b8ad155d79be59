"""The shipped gunicorn config serves the app (as `make serve` and production do)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_config_serves_the_migrated_app(tmp_path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "MEETUP_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "MEETUP_SECRET_KEY": "gunicorn-test",
        "WEB_CONCURRENCY": "1",  # the worker that answered is fully booted
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "meetup", "db", "upgrade"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    assert "Meetup" in response.read().decode()
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer in 30 s"
                time.sleep(0.2)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert "Booting worker" in output
