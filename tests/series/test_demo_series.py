"""The demo's series (`flask meetup seed-demo`, meetup/demo_series.py): Paris
UX Nights on the first Thursday of every month at 19:00 Paris time, across
the end of daylight-saving time, with one occurrence moved and one
cancelled, in its community, followed; the jobs find nothing left to do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from meetup.demo_series import series_start
from meetup.extensions import db
from meetup.lib.schedules import Frequency
from meetup.models import (
    Community,
    Event,
    EventStatus,
    OutboxMessage,
    Rsvp,
    Series,
    SeriesFollower,
    SeriesOccurrence,
    User,
)
from meetup.models.types import utcnow
from tests.plugins.app import sign_in

PARIS = ZoneInfo("Europe/Paris")


def _last_sunday_of_october(year: int) -> date:
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@pytest.fixture
def demo(app, runner) -> Series:
    assert runner.invoke(args=["meetup", "seed-demo"]).exit_code == 0
    with app.app_context():
        series = db.session.scalars(select(Series)).one()
        db.session.expunge(series)
    return series


def _occurrences(series: Series) -> list[tuple[Event, SeriesOccurrence]]:
    return list(
        db.session.execute(
            select(Event, SeriesOccurrence)
            .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
            .where(SeriesOccurrence.series_id == series.id)
            .order_by(SeriesOccurrence.recurrence_at)
        ).all()
    )


def test_paris_ux_nights_is_a_monthly_series_at_19h_paris_time_across_the_end_of_summer_time(
    app, demo
) -> None:
    with app.app_context():
        series = db.session.get(Series, demo.id)
        schedule = series.schedule
        assert series.title == "Paris UX Nights"
        assert series.community.slug == "paris-ux-nights"
        assert (schedule.frequency, schedule.nth_weekday) == (Frequency.MONTHLY, (1, 3))
        assert (schedule.local_time, schedule.timezone) == (time(19, 0), "Europe/Paris")
        rows = _occurrences(series)
        scheduled = [link.recurrence_at.astimezone(PARIS) for _, link in rows]
        assert all(moment.weekday() == 3 and moment.day <= 7 for moment in scheduled)
        assert {moment.time() for moment in scheduled} == {time(19, 0)}
        # Both sides of the last Sunday of October: 17:00 UTC, then 18:00.
        change = _last_sunday_of_october(series.starts_on.year)
        before = [m for m in scheduled if m.date() < change]
        after = [m for m in scheduled if m.date() > change]
        assert len(before) >= 2 and len(after) >= 4
        assert {m.astimezone(UTC).hour for m in before} == {17}
        assert {m.astimezone(UTC).hour for m in after if m.month in (11, 12, 1, 2)} == {18}
        # Each edition follows the one before it: the report's lineage.
        events = [event for event, _ in rows]
        assert [e.previous_edition_id for e in events] == [None, *(e.id for e in events[:-1])]
        assert all(event.community_link.community_id == series.community_id for event in events)


def test_one_occurrence_is_moved_one_cancelled_and_the_next_is_full(app, demo) -> None:
    now = utcnow()
    with app.app_context():
        rows = _occurrences(db.session.get(Series, demo.id))
        upcoming = [(event, link) for event, link in rows if link.recurrence_at > now]
        assert len(upcoming) == 3
        (full, _), (moved, moved_link), (cancelled, cancelled_link) = upcoming
        assert full.title == "Paris UX Nights: accessible design systems"
        assert full.capacity == 2 and full.status == EventStatus.PUBLISHED
        # Moved to the Friday, 19:00: its RECURRENCE-ID stays the Thursday.
        assert moved_link.is_detached and moved.status == EventStatus.PUBLISHED
        assert moved.starts_at - moved_link.recurrence_at == timedelta(days=1)
        assert moved.starts_at.astimezone(PARIS).time() == time(19, 0)
        assert cancelled.status == EventStatus.CANCELLED
        assert not cancelled_link.is_detached
        # The others are at their scheduled start.
        others = [(e, link) for e, link in rows if link.event_id != moved.id]
        assert all(event.starts_at == link.recurrence_at for event, link in others)


def test_the_past_editions_carry_their_people_and_the_followers_are_there(app, demo) -> None:
    now = utcnow()
    with app.app_context():
        rows = _occurrences(db.session.get(Series, demo.id))
        past = [event for event, link in rows if link.recurrence_at < now]
        assert past[0].title == "Paris UX Nights: inclusive forms"
        assert past[1].title == "Paris UX Nights: design tokens in practice"
        assert past[-1].title == "Paris UX Nights: research ops"
        checked_in = db.session.scalars(
            select(Rsvp.event_id).where(Rsvp.checked_in_at.is_not(None)).distinct()
        ).all()
        assert {event.id for event in past} <= set(checked_in)
        followers = db.session.scalars(
            select(User.email)
            .join(SeriesFollower, SeriesFollower.user_id == User.id)
            .where(SeriesFollower.series_id == demo.id)
        ).all()
        assert sorted(followers) == ["grace@example.org", "hugo@example.org"]


def test_the_jobs_after_the_demo_make_nothing_and_announce_nothing(app, runner, demo) -> None:
    made = runner.invoke(args=["meetup", "make-series-occurrences"])
    assert "0 occurrence(s) made in 0 series" in made.output
    announced = runner.invoke(args=["meetup", "announce-series-occurrences"])
    assert "0 announcement(s)" in announced.output
    community = runner.invoke(args=["meetup", "announce-community-events"])
    assert "0 announcement(s)" in community.output
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).first() is None


def test_the_community_report_compares_the_series_editions(app, client, demo) -> None:
    with app.app_context():
        chloe = db.session.scalar(select(User).where(User.email == "chloe@example.org"))
        community = db.session.scalar(select(Community).where(Community.slug == "paris-ux-nights"))
        past = [
            event
            for event, link in _occurrences(db.session.get(Series, demo.id))
            if link.recurrence_at < utcnow()
        ]
        titles = [event.title for event in past]
        research_ops = past[-1].slug
        db.session.expunge_all()
    sign_in(client, chloe)
    text = client.get(f"/communities/{community.slug}/report").get_data(as_text=True)
    for title in titles:
        assert title in text
    report = client.get(f"/events/{research_ops}/report").get_data(as_text=True)
    assert "This edition" in report
    assert "Paris UX Nights: inclusive forms" in report
    assert "Paris UX Nights: design tokens in practice" in report


@pytest.mark.parametrize(
    ("today", "september"),
    [
        (datetime(2026, 12, 7, 12, tzinfo=UTC), date(2026, 9, 3)),
        (datetime(2026, 11, 3, 12, tzinfo=UTC), date(2025, 9, 4)),
        (datetime(2027, 5, 20, 12, tzinfo=UTC), date(2026, 9, 3)),
    ],
)
def test_the_series_starts_in_the_september_before_the_last_november(today, september) -> None:
    assert series_start(today) == september
