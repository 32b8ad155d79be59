"""The horizon job over many series: `python bench/series.py [--series 500]`.

A fresh database (a SQLite file; MEETUP_DATABASE_URL for PostgreSQL, whose
schema is dropped and rebuilt) gets that many series, made through the
service 70 days ago (so their horizons then are filled, and ten days of
dates are missing now): half weekly, half monthly on the first Thursday, in
zones drawn from a list, each with a template of two hosts, topics and a
question (on PostgreSQL, then ANALYZE, as autovacuum would). Then, each in
its own process:

- fill: `flask meetup make-series-occurrences`: seconds from its start to
  its last commit (process start-up excluded), its peak memory (VmHWM), and
  the occurrences it made;
- rerun: the same command again, with nothing to do (rows counted: none).

Beside them, measured in the same run as the baseline: as many events as
the job made, copied from a template with `copied_details` and added in the
same commits (one per series), so a reader can tell a slow machine from a
slow job.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.followups import QUEUE, _run  # noqa: E402

SEED = """
import random, sys
from datetime import time, timedelta
from zoneinfo import ZoneInfo
import flask_migrate
from sqlalchemy import insert, select
from meetup import create_app
from meetup.extensions import db
from meetup.lib.schedules import Frequency, Schedule
from meetup.models import EventQuestion, User
from meetup.models.types import utcnow
from meetup.services.events.event_details import EventDetails
from meetup.services.hosting import hosts
from meetup.services.series.occurrences import create_series
from bench.followups import ZONES

count = int(sys.argv[1])
rng = random.Random(37)
app = create_app()
with app.app_context():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    flask_migrate.upgrade()
    now = utcnow()
    then = now - timedelta(days=70)
    db.session.execute(insert(User), [
        {"email": f"host{n}@bench.example.org", "display_name": f"Host {n:04}",
         "password_hash": "!", "created_at": then, "email_verified_at": then}
        for n in range(count // 5 + 1)])
    people = list(db.session.scalars(select(User).order_by(User.id)))
    for n in range(count):
        zone = rng.choice([z for z in ZONES if z != "UTC"] or ["Europe/Paris"])
        first = (then + timedelta(days=1)).astimezone(ZoneInfo(zone))
        first = first.replace(hour=19, minute=0, second=0, microsecond=0, tzinfo=None)
        if n % 2:
            rule = dict(frequency=Frequency.WEEKLY, weekdays=(first.weekday(),))
        else:
            rule = dict(frequency=Frequency.MONTHLY, nth_weekday=(1, 3))
        host = people[n // 5]
        series = create_series(host, EventDetails(
            title=f"Series {n}", timezone=zone, starts_local=first,
            ends_local=first + timedelta(hours=2), venue_name="Hall", capacity=40,
            topics=["design", "python"], description="Talks, then drinks.",
        ), Schedule(local_time=time(19), timezone=zone, starts_on=first.date(), **rule), now=then)
        if n % 10 == 0:
            db.session.commit()
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
print("SECONDS 0", file=sys.stderr)
"""

COUNT = """
import sys
from sqlalchemy import func, select
from meetup import create_app
from meetup.extensions import db
from meetup.models import SeriesOccurrence
app = create_app()
with app.app_context():
    rows = db.session.scalar(select(func.count()).select_from(SeriesOccurrence))
print("SECONDS", rows, file=sys.stderr)
"""

# As many plain copies of a template as the job made, in as many commits.
BASELINE = """
import sys, time
from meetup import create_app
from meetup.extensions import db
from meetup.models import Event, EventHost
from meetup.services.events.event_details import copied_details
made, commits = int(sys.argv[1]), int(sys.argv[2])
app = create_app()
with app.app_context():
    template = db.session.get(Event, 1)
    started = time.perf_counter()
    per_commit = max(1, made // max(commits, 1))
    for n in range(made):
        event = Event(**copied_details(template), created_by_id=template.created_by_id,
                      status="published", slug=f"baseline-{n}",
                      hosts=[EventHost(user_id=h.user_id, role=h.role) for h in template.hosts])
        db.session.add(event)
        db.session.flush()
        if (n + 1) % per_commit == 0:
            db.session.commit()
    db.session.commit()
    print("SECONDS", time.perf_counter() - started, file=sys.stderr)
"""


def _rows(env: dict[str, str]) -> int:
    rows, _ = _run(COUNT, env)
    return int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=500)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="meetup-bench-series-"))
    env = {**os.environ, "MEETUP_SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}
    env.setdefault("MEETUP_DATABASE_URL", f"sqlite:///{workdir / 'series.sqlite3'}")
    backend = env["MEETUP_DATABASE_URL"].split(":", 1)[0]
    count = args.series
    _run(SEED, env, str(count))
    before = _rows(env)
    seconds, err = _run(QUEUE, env, "make-series-occurrences")
    peak = int(err.split("VmHWM")[-1].split()[0]) / 1024
    made = _rows(env) - before
    rerun, _ = _run(QUEUE, env, "make-series-occurrences")
    again = _rows(env) - before - made
    baseline, _ = _run(BASELINE, env, str(made), str(count))
    print(f"series horizon job, {backend}, {os.cpu_count()} cores\n")
    print(f"{'series':>7}  {'made':>6}  {'fill s':>7}  {'peak RSS':>9}  {'copies-only s':>13}  "
          f"{'ratio':>6}  {'rerun s':>7}  {'rerun/fill':>10}  {'rerun rows':>10}")  # fmt: skip
    ratio, rerun_ratio = seconds / baseline, rerun / seconds
    print(f"{count:>7,}  {made:>6,}  {seconds:>7.1f}  {peak:>5.0f} MiB  {baseline:>13.1f}  "
          f"{ratio:>5.1f}x  {rerun:>7.1f}  {rerun_ratio:>9.2f}x  {again:>10}")  # fmt: skip
    print("\nfill s: `make-series-occurrences` from start to its last commit (process start-up")
    print("excluded); peak RSS: its VmHWM. copies-only s: as many events copied from a template")
    print("with copied_details and flushed, one commit per series (the baseline). rerun: the")
    print("same command with nothing to do; rerun rows: occurrences it added (must be 0).")
    if not made or again:
        raise SystemExit(f"expected occurrences once, got {made} and {again} more")


if __name__ == "__main__":
    main()
