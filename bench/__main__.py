"""Our pages against a minimal Flask page, in one run: `python -m bench`.

Seeds a database (PostgreSQL when MEETUP_DATABASE_URL is set, else a fresh
SQLite file), serves the baseline and the app side by side under gunicorn
with the shipped config on 127.0.0.1, drives each page with wrk (2 threads,
16 connections, 10 s, 3 runs, median), each run paired with a baseline run
just before it, and prints requests/s, p50, p99 and the median ratio to the
baseline. Everything started is stopped.

Scenarios live in SCENARIOS: add one small function per page. Then the RSVP
race (bench/rsvp_race.py): 200 members, 50 seats, gunicorn with 4 workers.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench import rsvp_race

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Load:
    """What wrk requests: a path, and headers (a signed-in session's cookie)."""

    path: str
    headers: dict[str, str] = field(default_factory=dict)


# A scenario returns the path (or a Load) to request, given what the seed returned.
SCENARIOS: dict[str, Callable[[dict[str, Any]], str | Load]] = {}


def scenario(name: str) -> Callable:
    def register(function: Callable[[dict[str, Any]], str | Load]) -> Callable:
        SCENARIOS[name] = function
        return function

    return register


@scenario("event page (200 going)")
def event_page(seeded: dict[str, Any]) -> str:
    return f"/events/{seeded['big_event']}"


@scenario("event page, signed in and going")
def event_page_signed_in(seeded: dict[str, Any]) -> Load:
    session = seeded["attendee_session"]
    return Load(f"/events/{seeded['big_event']}", {"Cookie": session["cookie"]})


@scenario("event .ics download")
def event_ics(seeded: dict[str, Any]) -> str:
    return f"/events/{seeded['big_event']}/calendar.ics"


@scenario("personal feed (500 events)")
def personal_feed(seeded: dict[str, Any]) -> str:
    return f"/calendar/{seeded['feed_token']}.ics"


@scenario("personal feed, unchanged (304)")
def personal_feed_unchanged(seeded: dict[str, Any]) -> Load:
    return Load(f"/calendar/{seeded['feed_token']}.ics", {"If-None-Match": seeded["feed_etag"]})


@scenario("directory (2,000 going), first page")
def directory_page(seeded: dict[str, Any]) -> str:
    return f"/events/{seeded['directory_event']}/people"


@scenario("directory, offers mentoring")
def directory_filtered(seeded: dict[str, Any]) -> str:
    return f"/events/{seeded['directory_event']}/people?offers=mentoring"


@scenario("listing, first page")
def listing(seeded: dict[str, Any]) -> str:
    return "/events"


@scenario("search, two words")
def search(seeded: dict[str, Any]) -> str:
    return "/events?q=python+mentors"


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    bytes: int
    # p50 with one connection: what a request costs when none waits in line
    # (at 16 connections on 2 cores, p50 is mostly queueing: 16 ÷ requests/s).
    alone_p50_ms: float | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is missing; installing it with apt-get", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        wrk = shutil.which("wrk")
    assert wrk, "wrk could not be installed"
    return wrk


class Gunicorn:
    """gunicorn with the shipped config, on a free loopback port."""

    def __init__(self, target: str, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{self.port}", "--access-logfile", "/dev/null", target],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def wait_until_ready(self, path: str) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: {self.process.stderr.read().decode()}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    return len(response.read())
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run_wrk(
    wrk: str, url: str, *, duration: int, headers: dict[str, str], connections: int = 16
) -> Result:
    header_options = [option for name, value in headers.items()
                      for option in ("-H", f"{name}: {value}")]  # fmt: skip
    threads = min(2, connections)
    output = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
         *header_options, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url} answered {errors.group(1)} errors:\n{output}")
    return Result(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        p99_ms=_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        bytes=0,
    )


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure_pairs(
    wrk: str,
    baseline: tuple[str, dict[str, str]],
    page: tuple[str, dict[str, str]],
    *,
    runs: int,
    duration: int,
) -> list[tuple[Result, Result]]:
    """Warm both up, then `runs` times: the baseline, then the page."""
    for url, headers in (baseline, page):
        run_wrk(wrk, url, duration=2, headers=headers)  # caches and connections
    return [
        (run_wrk(wrk, baseline[0], duration=duration, headers=baseline[1]),
         run_wrk(wrk, page[0], duration=duration, headers=page[1]))
        for _ in range(runs)
    ]  # fmt: skip


def median_result(results: list[Result], size: int) -> Result:
    return Result(
        requests_per_second=statistics.median(r.requests_per_second for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        bytes=size,
    )


def feed_against_icalendar(
    wrk: str, server_url: str, seeded: dict[str, Any], env: dict[str, str], duration: int
) -> tuple[float, float]:
    """The personal feed's p50 with one connection (no queueing: the time one
    request takes), and building the same VEVENTs with icalendar alone."""
    url = f"{server_url}/calendar/{seeded['feed_token']}.ics"
    output = subprocess.run(
        [wrk, "-t1", "-c1", f"-d{duration}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    served = _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1))
    alone = subprocess.run(
        [sys.executable, "-m", "bench.icalendar_alone", seeded["feed_token"]],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return served, float(re.search(r"ICALENDAR_MS ([\d.]+)", alone).group(1))


def prepare_database(url: str, events: int) -> dict[str, Any]:
    """Empty and migrate the database, then seed it (in a child process, so the
    benchmark process stays small)."""
    script = f"""
import json, flask_migrate
from meetup import create_app
from meetup.extensions import db
from bench.seed import seed
from bench.sessions import mint_sessions
app = create_app()
with app.app_context():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    flask_migrate.upgrade()
    seeded = seed({events})
    seeded["sessions"] = mint_sessions(app, seeded["racer_ids"])
    seeded["attendee_session"] = mint_sessions(app, [seeded["attendee_id"]])[0]
    feed = app.test_client().get("/calendar/" + seeded["feed_token"] + ".ics")
    seeded["feed_etag"] = feed.headers["ETag"]
    print("SEEDED" + json.dumps(seeded))
"""
    env = {**os.environ, "MEETUP_DATABASE_URL": url, "MEETUP_SECRET_KEY": "bench"}
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if output.returncode != 0:
        raise SystemExit(output.stderr)
    import json

    return json.loads(output.stdout.split("SEEDED", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--only", help="run only scenarios whose name contains one of these (comma-separated)"
    )
    args = parser.parse_args()
    parts = [part.strip() for part in (args.only or "").split(",") if part.strip()]

    def chosen(name: str) -> bool:
        return not parts or any(part in name or name in part for part in parts)

    wrk = ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="meetup-bench-"))
    url = os.environ.get("MEETUP_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    backend = url.split(":", 1)[0]
    print(f"seeding {args.events:,} events on {backend}...", file=sys.stderr)
    seeded = prepare_database(url, args.events)
    env = {
        **os.environ,
        "MEETUP_DATABASE_URL": url,
        "BENCH_DATABASE_URL": url,
        "MEETUP_SECRET_KEY": "bench",
        "MEETUP_ENV": "production",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-c", "from bench.baseline.app import prepare; prepare()"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip

    # Both servers stay up; each run of a page is paired with a run of the
    # baseline just before it, so the machine's drift (other tenants, turbo)
    # hits both sides of every ratio alike. An idle server costs nothing.
    rows: list[tuple[str, Result, float]] = []
    baselines: list[Result] = []
    feed_floor: tuple[float, float] | None = None
    base_alone: float | None = None
    base_server, app_server = Gunicorn("bench.baseline.app:app", env), Gunicorn("wsgi:app", env)
    try:
        base_size = base_server.wait_until_ready("/")
        for name, load_for in SCENARIOS.items():
            if not chosen(name):
                continue
            load = load_for(seeded)
            load = Load(load) if isinstance(load, str) else load
            size = app_server.wait_until_ready(load.path)
            if "If-None-Match" in load.headers:
                size = 0  # the answer is a 304 without a body
            pairs = measure_pairs(
                wrk, (base_server.url + "/", {}), (app_server.url + load.path, load.headers),
                runs=args.runs, duration=args.duration,
            )  # fmt: skip
            baselines += [base for base, _ in pairs]
            ratio = statistics.median(page.requests_per_second / base.requests_per_second
                                      for base, page in pairs)  # fmt: skip
            alone = run_wrk(wrk, app_server.url + load.path, duration=args.duration,
                            headers=load.headers, connections=1)  # fmt: skip
            result = median_result([page for _, page in pairs], size)
            rows.append((name, replace(result, alone_p50_ms=alone.p50_ms), ratio))
        if baselines:
            base_alone = run_wrk(wrk, base_server.url + "/", duration=args.duration, headers={},
                                 connections=1).p50_ms  # fmt: skip
        if chosen("feed vs icalendar"):
            feed_floor = feed_against_icalendar(wrk, app_server.url, seeded, env, args.duration)
    finally:
        base_server.stop()
        app_server.stop()
    if baselines:
        rows.insert(0, ("baseline: minimal ORM page (200 rows)",
                        replace(median_result(baselines, base_size), alone_p50_ms=base_alone),
                        1.0))  # fmt: skip

    races = []
    if chosen("rsvp race"):
        # Four workers, as the issue sets it: more processes than cores, so the
        # database's locking, not one process, decides who gets a seat.
        server = Gunicorn("wsgi:app", {**env, "WEB_CONCURRENCY": "4"})
        try:
            server.wait_until_ready("/")
            for slug in seeded["race_events"][: args.runs]:
                races.append(rsvp_race.race(server.url, url, slug, seeded["sessions"]))
        finally:
            server.stop()
    shutil.rmtree(workdir, ignore_errors=True)

    cores = os.cpu_count()
    print(f"\n{backend}, {seeded['events']:,} events, {cores} cores, gunicorn.conf.py, "
          f"wrk -t2 -c16 -d{args.duration}s, median of {args.runs}\n")  # fmt: skip
    print(f"| {'page':<40} | {'req/s':>7} | {'p50 ms':>6} | {'p99 ms':>6} | {'KiB':>5} | ratio "
          "| p50 ms, 1 conn |")  # fmt: skip
    print(f"|{'-' * 42}|{'-' * 9}|{'-' * 8}|{'-' * 8}|{'-' * 7}|-------|---------------:|")
    for name, result, ratio in rows:
        alone = "—" if result.alone_p50_ms is None else f"{result.alone_p50_ms:.1f}"
        kib = f"{result.bytes / 1024:.1f}" if result.bytes else "—"
        print(f"| {name:<40} | {result.requests_per_second:>7,.0f} | {result.p50_ms:>6.1f} | "
              f"{result.p99_ms:>6.1f} | {kib:>5} | {ratio:>5.0%} "
              f"| {alone:>14} |")  # fmt: skip
    if feed_floor:
        served, alone = feed_floor
        print(f"\npersonal feed of 500 events, one connection: p50 {served:.1f} ms; "
              f"the same VEVENTs with icalendar alone: {alone:.1f} ms; "
              f"ratio {served / alone:.2f}")  # fmt: skip
    if races:
        print(f"\nrsvp race: {len(seeded['sessions'])} members at once for 50 seats, "
              "gunicorn with 4 workers\n")  # fmt: skip
        print("| run | going | waitlisted | waitlist 1..n | errors | p50 ms | p99 ms |")
        print("|----:|------:|-----------:|:-------------:|-------:|-------:|-------:|")
        for number, result in enumerate(races, 1):
            print(f"| {number} | {result.going} | {result.waitlisted} | "
                  f"{'yes' if result.positions_ok else 'NO'} | "
                  f"{result.errors or 0}{'' if not result.errors else f' {result.statuses}'} | "
                  f"{result.p50_ms:.0f} | {result.p99_ms:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
