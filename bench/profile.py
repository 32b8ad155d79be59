"""Where one page spends its time, in-process: `python -m bench.profile "search"`.

Seeds a database once, as `python -m bench` does (a fresh SQLite file, or
PostgreSQL when MEETUP_DATABASE_URL is set: **its schema is dropped and
rebuilt**), picks a scenario of bench/__main__.py by a part of its name,
warms the page up, then requests it N times through the Flask test client:
first unprofiled (ms/request, the CPU ms of this process, queries/request),
then under cProfile (function calls/request: counted, so steady on a busy
machine). The baseline page (bench/baseline) is timed the same way in the
same process, just before, and the page's cost is printed as a ratio to it.
The collector is set as gunicorn.conf.py sets it in each worker. On
PostgreSQL, wall time minus this process's CPU is mostly time spent waiting
for the server, which shares the cores with the app in the bench. Prints the
top functions by cumulative and by own time, in ms per request, so the next
hot spot has a name. No server, no wrk: steadier than the bench on a shared
machine, and the ratios of `python -m bench` stay the figures that count.

    python -m bench.profile "search"                # search, two words
    python -m bench.profile listing -n 500 --top 40
    python -m bench.profile "signed in" --events 2000
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from bench.__main__ import SCENARIOS, Load, prepare_database

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measure:
    """N requests of one page: what each cost, unprofiled, and what ran."""

    requests: int
    status: int
    ms_per_request: float
    cpu_ms_per_request: float  # this process's CPU: steadier when others share the cores
    queries_per_request: float
    stats: pstats.Stats  # of the profiled run, N requests


def choose_scenario(part: str) -> str:
    """The scenario whose name contains `part` (or is it).

    :raise SystemExit: none does, or several do (the message lists them).
    """
    if part in SCENARIOS:
        return part
    matches = [name for name in SCENARIOS if part.lower() in name.lower()]
    if len(matches) != 1:
        found = "; ".join(matches) if matches else "none"
        raise SystemExit(f"{part!r} matches {found}. Scenarios:\n  " + "\n  ".join(SCENARIOS))
    return matches[0]


def load_for(name: str, seeded: dict[str, Any]) -> Load:
    load = SCENARIOS[name](seeded)
    return Load(load) if isinstance(load, str) else load


def client_for(app: Flask, headers: dict[str, str]) -> FlaskClient:
    """A client holding the cookie of a Cookie header (the test client keeps
    its own cookie jar, which replaces the header)."""
    client = app.test_client()
    if "Cookie" in headers:
        name, _, value = headers["Cookie"].partition("=")
        client.set_cookie(name, value)
    return client


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    """Count the statements every engine runs inside (a one-item list)."""
    counted = [0]

    def record(*_args: Any) -> None:
        counted[0] += 1

    sa_event.listen(Engine, "before_cursor_execute", record)
    try:
        yield counted
    finally:
        sa_event.remove(Engine, "before_cursor_execute", record)


def measure(app: Flask, load: Load, *, requests: int, warmup: int = 20) -> Measure:
    """Warm the page up, time `requests` of it, then profile as many."""
    client = client_for(app, load.headers)
    headers = {name: value for name, value in load.headers.items() if name != "Cookie"}

    def get() -> int:
        return client.get(load.path, headers=headers).status_code

    for _ in range(warmup):  # templates compiled, caches and pools filled
        status = get()
    with counting_queries() as counted:
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(requests):
            status = get()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        get()
    profiler.disable()
    return Measure(
        requests=requests,
        status=status,
        ms_per_request=elapsed * 1000 / requests,
        cpu_ms_per_request=cpu * 1000 / requests,
        queries_per_request=counted[0] / requests,
        stats=pstats.Stats(profiler),
    )


def top_functions(stats: pstats.Stats, *, by: str, count: int, requests: int) -> list[str]:
    """Table rows: calls, own ms and cumulative ms per request, and where."""
    key = {"cumulative": 3, "own": 2}[by]
    entries = sorted(stats.stats.items(), key=lambda item: item[1][key], reverse=True)  # type: ignore[attr-defined]
    rows = [f"{'calls/req':>9} {'own ms':>8} {'cum ms':>8}  function"]
    for (filename, line, function), (_, calls, own, cumulative, _) in entries[:count]:
        rows.append(
            f"{calls / requests:>9.1f} {own * 1000 / requests:>8.3f} "
            f"{cumulative * 1000 / requests:>8.3f}  {_where(filename, line, function)}"
        )
    return rows


def _where(filename: str, line: int, function: str) -> str:
    """`package/module.py:line(function)`, short: from the project or site-packages."""
    if filename == "~":  # a built-in
        return function
    path = filename
    for prefix in (str(ROOT) + os.sep, "site-packages" + os.sep):
        if prefix in path:
            path = path.split(prefix, 1)[1]
    return f"{path}:{line}({function})"


def measure_baseline(url: str, *, requests: int) -> Measure:
    """The baseline page of `python -m bench` (bench/baseline), in-process,
    on the same database."""
    os.environ["BENCH_DATABASE_URL"] = url
    from bench.baseline.app import app, prepare

    prepare()
    return measure(app, Load("/"), requests=requests)


def settle_collector() -> None:
    """As gunicorn.conf.py's post_fork: what is loaded is frozen out of the
    cyclic collector's sight, and collections are rare."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def report(
    name: str, load: Load, result: Measure, *, top: int, baseline: Measure | None = None
) -> str:
    lines = [f"{name}: GET {load.path} -> {result.status}"]
    if baseline is not None:
        lines.append(
            f"baseline page: {baseline.ms_per_request:.2f} ms/request "
            f"({baseline.cpu_ms_per_request:.2f} ms CPU); this page costs "
            f"{result.cpu_ms_per_request / baseline.cpu_ms_per_request:.2f}x its CPU, "
            f"{result.ms_per_request / baseline.ms_per_request:.2f}x its time"
        )
    lines += [
        f"{result.requests} requests, unprofiled: {result.ms_per_request:.2f} ms/request "
        f"({result.cpu_ms_per_request:.2f} ms of this process's CPU), "
        f"{result.queries_per_request:g} queries/request",
        # Counted, not timed: the same on a busy machine as on a quiet one.
        f"profiled: {result.stats.total_calls / result.requests:,.0f} "  # type: ignore[attr-defined]
        "Python function calls/request",
    ]
    for by in ("cumulative", "own"):
        lines += ["", f"top {top} by {by} time (profiled, per request):"]
        lines += top_functions(result.stats, by=by, count=top, requests=result.requests)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", help="a part of a scenario's name (bench/__main__.py)")
    parser.add_argument("-n", "--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=25, help="functions shown per table")
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    name = choose_scenario(args.scenario)

    workdir = tempfile.mkdtemp(prefix="meetup-profile-")
    try:
        url = os.environ.get("MEETUP_DATABASE_URL") or f"sqlite:///{workdir}/profile.sqlite3"
        print(f"seeding {args.events:,} events on {url.split(':', 1)[0]}...", file=sys.stderr)
        seeded = prepare_database(url, args.events)

        from meetup import create_app

        # As the bench's servers run: production settings, the bench's signing
        # key (the seeded sessions were signed with it).
        app = create_app({"ENV": "production", "DATABASE_URL": url, "SECRET_KEY": "bench"})
        load = load_for(name, seeded)
        settle_collector()
        baseline = measure_baseline(url, requests=args.requests)
        result = measure(app, load, requests=args.requests)
        print(report(name, load, result, top=args.top, baseline=baseline))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
