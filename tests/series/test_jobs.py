"""The horizon job through the CLI (`flask meetup make-series-occurrences`):
it makes the dates the horizon lacks, the same ones however often it runs,
none for an ended series or a closed community's, and two runs at once make
each date once (on committed data, SQLite's file and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from meetup.cli import PERIODIC_JOBS
from meetup.extensions import db
from meetup.models import (
    Community,
    CommunityStatus,
    Event,
    Series,
    SeriesOccurrence,
    SeriesStatus,
    User,
)
from meetup.models.types import utcnow
from meetup.services.events.event_details import EventDetails
from meetup.services.series.occurrences import create_series, fill_all
from tests.followups.helpers import make_person
from tests.plugins.series import schedule_of


def _run(runner) -> str:
    result = runner.invoke(args=["meetup", "make-series-occurrences"])
    assert result.exit_code == 0, result.output
    return result.output


def _starts(series_id: int) -> list[datetime]:
    return list(
        db.session.scalars(
            select(SeriesOccurrence.recurrence_at)
            .where(SeriesOccurrence.series_id == series_id)
            .order_by(SeriesOccurrence.recurrence_at)
        )
    )


def _started_long_ago(make_series, **values) -> Series:
    """A weekly series made four months ago: its horizon then is long past."""
    then = utcnow() - timedelta(days=120)
    first = (then + timedelta(days=1)).replace(tzinfo=None, hour=19, minute=0, second=0)
    return make_series(
        starts_local=first.replace(microsecond=0),
        now=then,
        schedule=schedule_of(frequency="weekly", nth_weekday=None, weekdays=(first.weekday(),)),
        **values,
    )


def test_the_job_fills_the_horizon_and_a_second_run_makes_the_same_occurrences(
    app, runner, make_series
) -> None:
    series = _started_long_ago(make_series)
    with app.app_context():
        before = _starts(series.id)

    assert "occurrence(s) made in 1 series" in _run(runner)
    with app.app_context():
        after = _starts(series.id)
    now = utcnow()
    upcoming = [start for start in after if start > now]
    # Weekly: every date of the next 60 days (eight or nine), past ones not made up.
    assert len(upcoming) >= 8 and upcoming[-1] - upcoming[0] <= timedelta(days=60)
    assert set(before) < set(after)
    assert not [start for start in after if start not in before and start < now]

    assert "0 occurrence(s) made in 0 series" in _run(runner)
    with app.app_context():
        assert _starts(series.id) == after


def test_an_ended_series_and_a_closed_communitys_series_make_none(
    app, runner, make_series, make_user, make_community
) -> None:
    ended = _started_long_ago(make_series)
    admin = make_user()
    community = make_community(admins=(admin,))
    closed = _started_long_ago(make_series, host=admin, community=community)
    with app.app_context():
        db.session.get(Series, ended.id).status = SeriesStatus.ENDED
        db.session.get(Community, community.id).status = CommunityStatus.CLOSED
        db.session.commit()
        before = {series.id: _starts(series.id) for series in (ended, closed)}

    assert "0 occurrence(s) made in 0 series" in _run(runner)
    with app.app_context():
        assert {series.id: _starts(series.id) for series in (ended, closed)} == before


def test_the_horizon_is_filled_before_the_announcements_in_the_jobs_loop() -> None:
    jobs = list(PERIODIC_JOBS)
    assert jobs.index("make-series-occurrences") < jobs.index("announce-community-events")
    assert jobs.index("make-series-occurrences") < jobs.index("announce-series-occurrences")


# Two runs at once, on committed data


def _committed_series(app: Flask) -> int:
    host = make_person(app, 0)
    then = utcnow() - timedelta(days=120)
    first = (then + timedelta(days=1)).replace(tzinfo=None, hour=19, minute=0, second=0)
    first = first.replace(microsecond=0)
    with app.app_context():
        series = create_series(
            db.session.get(User, host.id),
            EventDetails(
                title="Race nights", timezone="Europe/Paris", starts_local=first,
                ends_local=first + timedelta(hours=2), venue_name="Hall",
            ),
            schedule_of(frequency="weekly", nth_weekday=None, weekdays=(first.weekday(),)),
            now=then,
        )  # fmt: skip
        db.session.commit()
        return series.id


def test_runs_at_once_make_each_date_once(racing_app: Flask) -> None:
    series_id = _committed_series(racing_app)
    runs = 3
    barrier = threading.Barrier(runs)

    def run(_: int) -> int:
        made = 0
        with racing_app.app_context():
            barrier.wait(timeout=30)
            try:
                for created in fill_all():
                    db.session.commit()
                    made += len(created)
            finally:
                db.session.remove()
        return made

    with ThreadPoolExecutor(runs) as pool:
        made = list(pool.map(run, range(runs)))
    with racing_app.app_context():
        starts = _starts(series_id)
        assert len(starts) == len(set(starts))
        upcoming = [start for start in starts if start > utcnow()]
        assert sum(made) == len(upcoming) >= 8  # one run made them, the others found them
        events = db.session.scalar(
            select(func.count())
            .select_from(Event)
            .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
            .where(SeriesOccurrence.series_id == series_id)
        )
        assert events == len(starts)
        db.session.remove()
