"""The follow-up of one big event: `python bench/followups.py [--counts 1000,10000]`.

For each count, a fresh database (a SQLite file; MEETUP_DATABASE_URL for
PostgreSQL, whose schema is dropped and rebuilt) gets one event that ended
three hours ago with that many people going: synthetic but realistic
profiles (3-6 interests drawn from a long-tailed list, goals, headlines,
home time zones, one in ten unlisted, some members-only and private
profiles, a few blocks), nine in ten checked in (on PostgreSQL, then
ANALYZE, as autovacuum would). Then, each in its own process:

- queue: `flask meetup send-followups` (MEETUP_FOLLOWUP_DELAY=1h, so all are
  due): seconds to queue every message, and the process's peak memory;
- deliver: `flask meetup deliver-mail --once` to an aiosmtpd sink: messages/s.

Beside them, measured in the same run as baselines: queueing the same number
of one-line messages with queue_mail_bulk (the outbox alone), and a bare
smtplib loop to the same sink (bench/mail_throughput.py's), so a reader can
tell a slow machine from a slow job.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.mail_throughput import baseline, free_port, start_sink  # noqa: E402

INTERESTS = [
    "python", "data engineering", "climate tech", "product design", "leadership",
    "fundraising", "machine learning", "accessibility", "careers", "open source",
    "rust", "health tech", "mentoring", "startups", "security", "kubernetes",
    "ux research", "fintech", "edtech", "robotics", "web3", "devrel", "sre",
    "typescript", "go", "analytics", "growth", "public sector", "biotech", "gaming",
]  # fmt: skip
ZONES = ["UTC", "UTC", "Europe/Paris", "Europe/London", "America/New_York",
         "Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin"]  # fmt: skip
HEADLINES = ["Engineer", "Product manager", "Designer", "Founder", "Data scientist",
             "Recruiter", "Student", "CTO", "Investor", "Researcher"]  # fmt: skip

SEED = """
import random, sys
from datetime import timedelta
import flask_migrate
from sqlalchemy import insert, select
from meetup import create_app
from meetup.extensions import db
from meetup.models import (Block, Event, EventHost, Goal, GoalDirection, HostRole, Rsvp,
                           RsvpStatus, User, UserGoal, UserInterest)
from meetup.models.types import utcnow
from bench.followups import HEADLINES, INTERESTS, ZONES

count = int(sys.argv[1])
rng = random.Random(24)
app = create_app()
with app.app_context():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    flask_migrate.upgrade()
    now = utcnow()
    visibility = ["members"] * 7 + ["public"] * 2 + ["private"]
    people = [
        {"email": f"guest{n}@bench.example.org", "display_name": f"Guest {n:05}",
         "password_hash": "!", "created_at": now, "email_verified_at": now,
         "headline": rng.choice(HEADLINES), "timezone": rng.choice(ZONES),
         "profile_visibility": rng.choice(visibility),
         "is_listed_in_directories": rng.random() > 0.1}
        for n in range(count)]
    db.session.execute(insert(User), people)
    ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    # What each reply copies of its person (privacy.is_listed_by_default).
    listed = {user_id: person["is_listed_in_directories"]
              and person["profile_visibility"] != "private"
              for user_id, person in zip(ids, people, strict=True)}
    weights = [1 / (rank + 1) for rank in range(len(INTERESTS))]  # a long tail
    interests = []
    for user_id in ids:
        for name in set(rng.choices(INTERESTS, weights, k=rng.randint(3, 6))):
            interests.append({"user_id": user_id, "name": name})
    db.session.execute(insert(UserInterest), interests)
    goals = [{"user_id": user_id, "goal": rng.choice(list(Goal)),
              "direction": rng.choice(list(GoalDirection))} for user_id in ids]
    db.session.execute(insert(UserGoal), [dict(t) for t in {tuple(g.items()) for g in goals}])
    event = Event(slug="big-night", title="Big night", starts_at=now - timedelta(hours=5),
                  ends_at=now - timedelta(hours=3), timezone="Europe/Paris",
                  venue_name="Hall", status="published", created_by_id=ids[0],
                  directory_visibility="attendees", search_text="big night")
    db.session.add(event)
    db.session.flush()
    db.session.add(EventHost(event_id=event.id, user_id=ids[0], role=HostRole.CREATOR))
    db.session.execute(insert(Rsvp), [
        {"event_id": event.id, "user_id": user_id, "status": RsvpStatus.GOING, "guests": 0,
         "answers": {}, "created_at": now, "updated_at": now, "is_person_listed": listed[user_id],
         "checked_in_at": now - timedelta(hours=4) if rng.random() < 0.9 else None}
        for user_id in ids])
    pairs = {tuple(rng.sample(ids, 2)) for _ in range(count // 100)}
    db.session.execute(insert(Block), [{"blocker_id": a, "blocked_id": b, "created_at": now}
                                       for a, b in pairs])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load: without
        # statistics the planner takes a 10,000-row table for a 1-row one.
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
print("SECONDS 0", file=sys.stderr)
"""

QUEUE = """
import re, sys, time
from flask.cli import FlaskGroup
from meetup import create_app
cli = FlaskGroup(create_app=create_app)
app = create_app()  # warm: imports and app set-up are not the job
started = time.perf_counter()
cli.main(["meetup", sys.argv[1]], standalone_mode=False)
print("SECONDS", time.perf_counter() - started, file=sys.stderr)
status = open("/proc/self/status").read()
print("VmHWM", re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1), file=sys.stderr)
"""

QUEUE_BASELINE = """
import sys, time
from meetup import create_app
from meetup.extensions import db
from meetup.outbox import Mail, queue_mail_bulk
count = int(sys.argv[1])
app = create_app()
with app.app_context():
    started = time.perf_counter()
    for first in range(0, count, 500):
        queue_mail_bulk(Mail(to=f"guest{n}@bench.example.org", subject="Hello",
                             template="verify_email", dedupe_key=f"baseline:{n}",
                             context={"name": f"Guest {n}", "url": "https://x.example/",
                                      "valid_for": "3 days"})
                        for n in range(first, min(first + 500, count)))
        db.session.commit()
    print("SECONDS", time.perf_counter() - started, file=sys.stderr)
    db.session.execute(db.text("DELETE FROM outbox_message WHERE dedupe_key LIKE 'baseline:%'"))
    db.session.commit()
"""

DELIVER = """
import sys, time
from flask.cli import FlaskGroup
from meetup import create_app
cli = FlaskGroup(create_app=create_app)
app = create_app()
started = time.perf_counter()
cli.main(["meetup", "deliver-mail", "--once", "--batch-size", "200"], standalone_mode=False)
print("SECONDS", time.perf_counter() - started, file=sys.stderr)
"""


def _run(script: str, env: dict[str, str], *args: str) -> tuple[float, str]:
    result = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"failed: {result.stdout}{result.stderr}")
    return float(result.stderr.split("SECONDS")[-1].split()[0]), result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", default="1000,10000")
    args = parser.parse_args()
    port = free_port()
    sink = start_sink(port)
    workdir = Path(tempfile.mkdtemp(prefix="meetup-bench-followups-"))
    env = {
        **os.environ,
        "MEETUP_SECRET_KEY": "bench",
        "MEETUP_SMTP_URL": f"smtp://127.0.0.1:{port}",
        "MEETUP_FOLLOWUP_DELAY": "1h",
        "PYTHONPATH": str(ROOT),
    }
    backend = env.get("MEETUP_DATABASE_URL", "sqlite").split(":", 1)[0]
    random.seed(24)
    try:
        print(f"follow-ups, {backend}, {os.cpu_count()} cores\n")
        print(f"{'people':>7}  {'suggestions s':>13}  {'queue s':>8}  {'peak RSS':>9}  "
              f"{'outbox-only s':>13}  {'deliver/s':>9}  {'smtplib loop/s':>14}")  # fmt: skip
        for count in [int(c) for c in args.counts.split(",")]:
            run_env = dict(env)
            run_env.setdefault("MEETUP_DATABASE_URL", f"sqlite:///{workdir / f'{count}.sqlite3'}")
            _run(SEED, run_env, str(count))
            queue_baseline, _ = _run(QUEUE_BASELINE, run_env, str(count))
            build_seconds, _ = _run(QUEUE, run_env, "build-suggestions")
            seconds, err = _run(QUEUE, run_env, "send-followups")
            peak = int(err.split("VmHWM")[-1].split()[0]) / 1024
            deliver_seconds, _ = _run(DELIVER, run_env)
            loop_rate = baseline(port, count)
            print(f"{count:>7,}  {build_seconds:>13.1f}  {seconds:>8.1f}  {peak:>5.0f} MiB  "
                  f"{queue_baseline:>13.1f}  {count / deliver_seconds:>9,.0f}  "
                  f"{loop_rate:>14,.0f}")  # fmt: skip
        print("\nsuggestions s: `build-suggestions` (the room scored and stored). queue s:")
        print("`send-followups` from start to its last commit, suggestions read (process")
        print("start-up excluded); peak RSS: its VmHWM. outbox-only s: the same number of one-line")
        print("messages queued with queue_mail_bulk in batches of 500 (the baseline).")
    finally:
        sink.terminate()
        sink.wait()


if __name__ == "__main__":
    main()
