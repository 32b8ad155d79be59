"""Scoring "people you should meet" for every person of a big event:
`python -m bench.suggestions` (or `make bench-suggestions`).

Rooms of 1,000, 10,000 and 100,000 people with realistic fields: 500
interests with a Zipf-like tail (the k-th most common held in proportion to
1/k), three to eight each; goals (offered and sought) on a third of people;
a company shared by about twenty. For each size, in a child process of its
own (so its peak memory is its own): the total time to score the room
(scoring.score_room for everyone, kept a chunk at a time as the build
stores it), wall clock
and CPU (the machine is shared: CPU time moves less), the process's peak
resident memory and how much scoring added to it. Beside it, measured in the
same process just before, the baseline: one pass over the same room that
builds its inverted indexes (interest → people, goal → people), the least
any index-based scoring must do (CPU, the mean of 5). The ratio says how
many such passes scoring costs.

Then, end to end on a database (a fresh SQLite file, or MEETUP_DATABASE_URL,
whose schema is dropped and rebuilt) for 10,000 people going to one event:
build_suggestions (read the room, score, store), and suggestions_for_many
for all 10,000 (what the follow-up job reads). `--sizes` and `--no-db`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from meetup.services.suggestions import builds, lists

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INTERESTS = 500
GOALS = ["mentoring", "hiring", "new_job", "collaboration", "advice", "investing"]
SIZES = (1_000, 10_000, 100_000)
DB_SIZE = 10_000
BASELINE_PASSES = 5


def person_fields(count: int, *, seed: int = 23) -> list[dict]:
    """`count` people's fields, the same for a given seed."""
    rng = random.Random(seed)
    names = [f"topic {rank}" for rank in range(1, INTERESTS + 1)]
    weights = [1 / rank for rank in range(1, INTERESTS + 1)]
    people = []
    for _ in range(count):
        interests: set[str] = set()
        wanted = rng.randint(3, 8)
        while len(interests) < wanted:
            interests.update(rng.choices(names, weights, k=wanted - len(interests)))
        offers, seeks = [], []
        if rng.random() < 1 / 3:
            offers = rng.sample(GOALS, rng.randint(0, 2))
            seeks = rng.sample(GOALS, rng.randint(1, 2))
        people.append(
            {"interests": sorted(interests), "offers": offers, "seeks": seeks,
             "company": f"Company {rng.randint(0, max(count // 20, 1))}"}
        )  # fmt: skip
    return people


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size: int) -> dict:
    """One size, in this process: baseline, then scoring."""
    from meetup.services.suggestions import scoring
    from meetup.services.suggestions.builds import STORE_CHUNK, _stored

    fields = person_fields(size)
    room = [
        scoring.Attendee(
            id=number + 1, interests=frozenset(spec["interests"]),
            offers=frozenset(spec["offers"]), seeks=frozenset(spec["seeks"]),
            company=scoring.company_key(spec["company"]),
        )
        for number, spec in enumerate(fields)
    ]  # fmt: skip
    del fields
    began = time.process_time()
    for _ in range(BASELINE_PASSES):
        scoring._index(room)  # the baseline: the room's inverted indexes
    baseline = (time.process_time() - began) / BASELINE_PASSES
    before = _rss_mib()
    began, began_cpu = time.perf_counter(), time.process_time()
    suggested = 0
    chunk: list = []
    for _, matches in scoring.score_room(room):  # kept a chunk at a time, as the build does
        chunk.append(_stored(matches))
        suggested += len(matches)
        if len(chunk) >= STORE_CHUNK:
            chunk = []
    elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    return {
        "size": size,
        "baseline_s": baseline,
        "scoring_s": elapsed,
        "scoring_cpu_s": cpu,
        "peak_mib": _rss_mib(),
        "scoring_mib": _rss_mib() - before,
        "suggested": suggested / size,
    }


def measure_database(size: int) -> dict:
    import flask_migrate
    from sqlalchemy import insert, select

    from meetup import create_app
    from meetup.extensions import db
    from meetup.models import (
        Event,
        EventHost,
        GoalDirection,
        HostRole,
        Rsvp,
        RsvpStatus,
        User,
        UserGoal,
        UserInterest,
    )
    from meetup.models.types import utcnow

    url = os.environ.get("MEETUP_DATABASE_URL") or (
        f"sqlite:///{Path(tempfile.mkdtemp(prefix='meetup-sugg-')) / 'bench.sqlite3'}"
    )
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        flask_migrate.upgrade()
        now = utcnow()
        fields = person_fields(size)
        db.session.execute(
            insert(User),
            [{"email": f"p{n}@bench.example.org", "display_name": f"Person {n}",
              "password_hash": "!", "created_at": now, "email_verified_at": now,
              "company": spec["company"], "headline": "Bench"}
             for n, spec in enumerate(fields)],
        )  # fmt: skip
        ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        db.session.execute(
            insert(UserInterest),
            [{"user_id": user_id, "name": name}
             for user_id, spec in zip(ids, fields, strict=True) for name in spec["interests"]],
        )  # fmt: skip
        goals = [
            {"user_id": user_id, "goal": goal, "direction": direction}
            for user_id, spec in zip(ids, fields, strict=True)
            for direction, chosen in ((GoalDirection.OFFERS, spec["offers"]),
                                      (GoalDirection.SEEKS, spec["seeks"]))
            for goal in chosen
        ]  # fmt: skip
        if goals:
            db.session.execute(insert(UserGoal), goals)
        event = Event(
            slug="big-conference", title="Big conference", starts_at=now + timedelta(days=30),
            ends_at=now + timedelta(days=30, hours=8),
            timezone="UTC", venue_name="Hall", status="published", created_by_id=ids[0],
            search_text="big conference",
        )  # fmt: skip
        db.session.add(event)
        db.session.flush()
        db.session.add(EventHost(event_id=event.id, user_id=ids[0], role=HostRole.CREATOR))
        db.session.execute(
            insert(Rsvp),
            [{"event_id": event.id, "user_id": user_id, "status": RsvpStatus.GOING,
              "guests": 0, "answers": {}, "created_at": now, "updated_at": now,
              "is_person_listed": True}
             for user_id in ids],
        )  # fmt: skip
        db.session.commit()
        event_id, dialect = event.id, db.engine.dialect.name
    with app.app_context():
        event = db.session.get(Event, event_id)
        began = time.perf_counter()
        builds.build_suggestions(event)
        db.session.commit()
        build = time.perf_counter() - began
        began = time.perf_counter()
        unchanged = not builds.build_suggestions(event)
        check = time.perf_counter() - began
        db.session.rollback()
        began = time.perf_counter()
        found = lists.suggestions_for_many(event, ids)
        read = time.perf_counter() - began
        one = ids[len(ids) // 2]
        began = time.perf_counter()
        lists.suggestions_for_many(event, [one])
        read_one = time.perf_counter() - began
    return {
        "size": size, "database": dialect,
        "build_s": build, "unchanged_s": check, "unchanged": unchanged,
        "read_all_s": read, "read_one_ms": read_one * 1000,
        "with_suggestions": sum(1 for value in found.values() if value),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--no-db", action="store_true", help="skip the database part")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-db", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    if args.child_db:
        print(json.dumps(measure_database(args.child_db)))
        return
    print(
        f"{'people':>8} {'baseline CPU s':>15} {'scoring s':>10} {'CPU s':>7} {'ratio':>7} "
        f"{'CPU ms/person':>14} {'peak MiB':>9} {'scoring MiB':>12} {'suggested':>10}"
    )
    for size in (int(size) for size in args.sizes.split(",")):
        result = _child("--child", size)
        print(
            f"{size:>8,} {result['baseline_s']:>15.3f} {result['scoring_s']:>10.2f} "
            f"{result['scoring_cpu_s']:>7.2f} "
            f"{result['scoring_cpu_s'] / result['baseline_s']:>6.0f}x "
            f"{result['scoring_cpu_s'] / size * 1000:>14.3f} {result['peak_mib']:>9.0f} "
            f"{result['scoring_mib']:>12.0f} {result['suggested']:>10.1f}",
            flush=True,
        )
    if not args.no_db:
        result = _child("--child-db", DB_SIZE)
        print(
            f"\nOn {result['database']}, {DB_SIZE:,} people going: build_suggestions "
            f"{result['build_s']:.1f} s (read, score, store); again, unchanged "
            f"{result['unchanged_s']:.2f} s ({'skipped' if result['unchanged'] else 'REBUILT'}); "
            f"suggestions_for_many for all {result['read_all_s']:.1f} s "
            f"({result['with_suggestions']:,} with suggestions); for one "
            f"{result['read_one_ms']:.0f} ms."
        )


def _child(flag: str, size: int) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.suggestions", flag, str(size)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
