"""A community's new event told to its members: `python bench/community_announce.py
[--members 10000]`.

A fresh database (a SQLite file; MEETUP_DATABASE_URL for PostgreSQL, whose
schema is dropped and rebuilt) gets a community with that many members who
chose to hear of each event (home time zones drawn from a list), beside a
tenth as many who chose the digest or nothing, or were removed (the job must
skip them), and one event published in it (on PostgreSQL, then ANALYZE, as
autovacuum would). Then, each in its own process:

- announce: `flask meetup announce-community-events`: seconds from its start
  to its last commit (process start-up excluded), and the process's peak
  memory (VmHWM);
- rerun: the same command again, which must queue nothing (rows counted).

Beside them, measured in the same run as the baseline: queueing the same
number of one-line messages with queue_mail_bulk (the outbox alone), so a
reader can tell a slow machine from a slow job. The aim (issue 36): 10,000
members in under 30 s and 300 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.followups import QUEUE, QUEUE_BASELINE, _run  # noqa: E402

SEED = """
import random, sys
from datetime import timedelta
import flask_migrate
from sqlalchemy import insert, select
from meetup import create_app
from meetup.extensions import db
from meetup.models import (Community, CommunityAdmin, CommunityEvent, CommunityMember, Event,
                           EventHost, HostRole, User)
from meetup.models.types import utcnow
from bench.followups import HEADLINES, ZONES

count = int(sys.argv[1])
rng = random.Random(36)
app = create_app()
with app.app_context():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    flask_migrate.upgrade()
    now = utcnow()
    others = count // 10
    db.session.execute(insert(User), [
        {"email": f"member{n}@bench.example.org", "display_name": f"Member {n:05}",
         "password_hash": "!", "created_at": now, "email_verified_at": now,
         "headline": rng.choice(HEADLINES), "timezone": rng.choice(ZONES)}
        for n in range(count + others)])
    ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    community = Community(slug="big-club", name="Big club", search_text="big club")
    db.session.add(community)
    db.session.flush()
    db.session.add(CommunityAdmin(community_id=community.id, user_id=ids[-1]))
    skipped = [("member", "weekly_digest"), ("member", "nothing"), ("removed", "each_event")]
    db.session.execute(insert(CommunityMember), [
        {"community_id": community.id, "user_id": user_id,
         **(dict(zip(("state", "mail"), ("member", "each_event")))
            if position < count else dict(zip(("state", "mail"), rng.choice(skipped)))),
         "requested_at": now, "joined_at": now}
        for position, user_id in enumerate(ids)])
    event = Event(slug="big-breakfast", title="Big breakfast", starts_at=now + timedelta(days=7),
                  ends_at=now + timedelta(days=7, hours=2), timezone="Europe/Paris",
                  venue_name="Hall", status="published", published_at=now,
                  created_by_id=ids[-1], search_text="big breakfast")
    db.session.add(event)
    db.session.flush()
    db.session.add(EventHost(event_id=event.id, user_id=ids[-1], role=HostRole.CREATOR))
    db.session.add(CommunityEvent(event_id=event.id, community_id=community.id))
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
from meetup.models import OutboxMessage
app = create_app()
with app.app_context():
    rows = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.dedupe_key.like("community-event:%")))
print("SECONDS", rows, file=sys.stderr)
"""


def _rows(env: dict[str, str]) -> int:
    rows, _ = _run(COUNT, env)
    return int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="meetup-bench-announce-"))
    env = {**os.environ, "MEETUP_SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}
    env.setdefault("MEETUP_DATABASE_URL", f"sqlite:///{workdir / 'announce.sqlite3'}")
    backend = env["MEETUP_DATABASE_URL"].split(":", 1)[0]
    count = args.members
    _run(SEED, env, str(count))
    baseline, _ = _run(QUEUE_BASELINE, env, str(count))
    seconds, err = _run(QUEUE, env, "announce-community-events")
    peak = int(err.split("VmHWM")[-1].split()[0]) / 1024
    queued = _rows(env)
    rerun, _ = _run(QUEUE, env, "announce-community-events")
    again = _rows(env) - queued
    print(f"community announcement, {backend}, {os.cpu_count()} cores\n")
    print(f"{'members':>8}  {'queued':>7}  {'announce s':>10}  {'peak RSS':>9}  "
          f"{'outbox-only s':>13}  {'ratio':>6}  {'rerun s':>7}  {'rerun rows':>10}")  # fmt: skip
    ratio = seconds / baseline
    print(f"{count:>8,}  {queued:>7,}  {seconds:>10.1f}  {peak:>5.0f} MiB  "
          f"{baseline:>13.1f}  {ratio:>5.1f}x  {rerun:>7.1f}  {again:>10}")  # fmt: skip
    print("\nannounce s: `announce-community-events` from start to its last commit (process")
    print("start-up excluded); peak RSS: its VmHWM. outbox-only s: the same number of one-line")
    print("messages queued with queue_mail_bulk in batches of 500 (the baseline). rerun rows:")
    print("messages a second run added (must be 0). Aim: under 30 s and 300 MiB.")
    if queued != count or again:
        raise SystemExit(f"expected {count} messages once, got {queued} and {again} more")


if __name__ == "__main__":
    main()
