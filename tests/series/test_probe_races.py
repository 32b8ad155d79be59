"""Races on PostgreSQL (committed transactions, real threads): the horizon
job against a split, a follow against an unfollow, two series made at once
with one title."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import Series, SeriesFollower, SeriesOccurrence, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events.event_details import EventDetails
from meetup.services.series import following
from meetup.services.series.editing import EditScope, update_event
from meetup.services.series.occurrences import create_series, fill_all
from tests.plugins.series import schedule_of
from tests.series.test_split import PARIS, at, details_of, occurrences

PASSWORD = "correct horse battery"


def _person(email: str) -> int:
    person = credentials.register_user(email=email, display_name=email[:5], password=PASSWORD)
    person.email_verified_at = utcnow()
    db.session.flush()
    return person.id


def _details(title: str, now: datetime) -> EventDetails:
    start = (
        (now + timedelta(days=1))
        .astimezone(PARIS)
        .replace(hour=19, minute=0, second=0, microsecond=0, tzinfo=None)
    )
    return EventDetails(
        title=title, timezone="Europe/Paris", starts_local=start,
        ends_local=start + timedelta(hours=2), venue_name="Café",
    )  # fmt: skip


def _weekly(now: datetime):
    day = (now + timedelta(days=1)).astimezone(PARIS).weekday()
    return schedule_of(frequency="weekly", nth_weekday=None, weekdays=(day,))


def _at_once(app, *actions: Callable[[], None]) -> list[BaseException]:
    ready = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], None]) -> None:
        try:
            with app.app_context():
                ready.wait(timeout=10)
                action()
                db.session.commit()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            with app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_the_horizon_job_racing_a_split_makes_each_date_once(committed_postgres_app):
    app = committed_postgres_app
    now = utcnow()
    with app.app_context():
        host_id = _person("host@example.org")
        series = create_series(db.session.get(User, host_id), _details("Coffee", now), _weekly(now),
                               now=now)  # fmt: skip
        db.session.commit()
        series_id = series.id
        second_id = occurrences(series_id)[1].id

    def job() -> None:  # a month on: the job has dates to add
        for _ in fill_all(now=now + timedelta(days=30)):
            db.session.commit()

    def split() -> None:
        event = db.session.get(SeriesOccurrence, second_id).event
        wanted = details_of(event, **at(event, 20))
        update_event(db.session.get(User, host_id), event, wanted, scope=EditScope.FOLLOWING,
                     now=now)  # fmt: skip

    assert _at_once(app, job, split) == []
    with app.app_context():
        for _ in fill_all(now=now + timedelta(days=30)):  # what a later run adds
            db.session.commit()
        old = db.session.get(Series, series_id)
        new = db.session.scalar(select(Series).where(Series.continued_from_id == series_id))
        assert new is not None
        assert old.until is not None and old.until < new.starts_on
        before = occurrences(old.id)
        after = occurrences(new.id)
        assert len(before) == 1
        days = [event.starts_at.astimezone(PARIS).date() for event in before + after]
        assert len(days) == len(set(days)), "a date made twice"
        assert days == sorted(days)
        weeks = {(b - a).days for a, b in pairwise(days)}
        assert weeks == {7}, "a week missed or doubled"
        assert {event.starts_at.astimezone(PARIS).hour for event in after} == {20}


def test_a_follow_racing_an_unfollow_ends_in_one_state(committed_postgres_app):
    app = committed_postgres_app
    now = utcnow()
    with app.app_context():
        host_id = _person("host@example.org")
        fan_id = _person("fan@example.org")
        series = create_series(db.session.get(User, host_id), _details("Coffee", now), _weekly(now),
                               now=now)  # fmt: skip
        db.session.commit()
        series_id, slug = series.id, series.slug

    for _ in range(5):

        def follow() -> None:
            following.follow_series(db.session.get(User, fan_id), db.session.get(Series, series_id))

        def unfollow() -> None:
            following.unfollow_series(db.session.get(User, fan_id), slug)

        assert _at_once(app, follow, follow, unfollow) == []
        with app.app_context():
            rows = db.session.scalar(
                select(func.count()).select_from(SeriesFollower)
                .where(SeriesFollower.series_id == series_id)
            )  # fmt: skip
            assert rows in (0, 1)


def test_two_series_with_one_title_at_once_get_two_slugs(committed_postgres_app):
    app = committed_postgres_app
    now = utcnow()
    with app.app_context():
        hosts = [_person(f"host{n}@example.org") for n in range(4)]
        db.session.commit()

    def make(host_id: int) -> Callable[[], None]:
        return lambda: create_series(
            db.session.get(User, host_id), _details("Paris UX Nights", now), _weekly(now), now=now
        )

    assert _at_once(app, *(make(host_id) for host_id in hosts)) == []
    with app.app_context():
        slugs = db.session.scalars(select(Series.slug)).all()
        assert len(slugs) == len(set(slugs)) == 4
