"""Two runs of the follow-up job at the same moment queue each person's
follow-up once: threads on a SQLite file (BEGIN IMMEDIATE serialises the
batches) and on PostgreSQL (two connections: the second run waits on the
first's uncommitted keys, then skips them), on committed data."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import Followup, OutboxMessage
from meetup.services.followups import sending
from tests.followups.helpers import ended_event, make_person

PEOPLE = 24
RUNS = 3


def test_runs_at_once_queue_one_follow_up_per_person(racing_app: Flask) -> None:
    people = [make_person(racing_app, number) for number in range(PEOPLE)]
    ended_event(racing_app, people[0], people, directory="everyone")
    barrier = threading.Barrier(RUNS)

    def run(_: int) -> int:
        queued = 0
        with racing_app.app_context():
            barrier.wait(timeout=30)
            try:
                for step in sending.follow_up_due(
                    delay=timedelta(hours=1), max_age=timedelta(days=7), batch_size=5
                ):
                    db.session.commit()
                    queued += step.queued
            finally:
                db.session.remove()
        return queued

    with ThreadPoolExecutor(RUNS) as pool:
        queued = list(pool.map(run, range(RUNS)))
    assert sum(queued) == PEOPLE
    with racing_app.app_context():
        per_person = db.session.execute(
            select(OutboxMessage.user_id, func.count())
            .where(OutboxMessage.dedupe_key.like("followup:%"))
            .group_by(OutboxMessage.user_id)
        ).all()
        assert len(per_person) == PEOPLE and {count for _, count in per_person} == {1}
        assert db.session.scalar(select(func.count()).select_from(Followup)) == PEOPLE
        db.session.remove()
