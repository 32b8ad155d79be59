"""Edge cases of a series' .ics in real readers (recurring_ical_events and
ical.js, expand_all): each expands to exactly the dates the app lists.
An occurrence moved to another day (even before the series' first date,
across a change of the clocks), a zone without daylight saving, several
weekdays a week across the changes, two splits, an ended series, a
series whose count is reached."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.schedules import Frequency
from meetup.models import Series, User
from meetup.services.events.event_details import EventDetails
from meetup.services.series.editing import EditScope, end_series, update_event
from meetup.services.series.occurrences import fill_series
from tests.calendar.readers import expand_all
from tests.calendar.series_data import TWO_YEARS, cancel, listed, move, occurrences
from tests.plugins.series import schedule_of

PARIS = ZoneInfo("Europe/Paris")


def _expanded(app, slug: str, until: datetime, tmp_path):
    response = app.test_client().get(f"/series/{slug}.ics")
    assert response.status_code == 200
    return expand_all(response.get_data(), until, tmp_path)


def _check(app, series, until: datetime, tmp_path) -> None:
    assert _expanded(app, series.slug, until, tmp_path) == listed(app, series.id, until=until)


@pytest.mark.parametrize(
    "by",
    [timedelta(days=3), timedelta(days=-40), timedelta(days=20, hours=-3)],
    ids=["three-days-later", "before-the-first-date-across-the-change", "next-month"],
)
def test_an_occurrence_moved_to_another_day(app, make_series, tmp_path, by):
    # First Thursday from April 2027 (summer time): the second moved 40 days
    # back falls in March, before the first date and before the change.
    first = datetime(2027, 4, 1, 19, 0)
    series = make_series(starts_local=first, now=datetime(2027, 3, 20, tzinfo=UTC))
    with app.app_context():
        second = occurrences(series.id)[1].id
    move(app, second, by=by)
    _check(app, series, first.replace(tzinfo=PARIS) + TWO_YEARS, tmp_path)


def test_a_zone_without_daylight_saving(app, make_series, tmp_path):
    first = datetime(2027, 1, 7, 19, 0)
    series = make_series(
        timezone="Asia/Tokyo", starts_local=first, now=datetime(2027, 1, 1, tzinfo=UTC),
        schedule=schedule_of(timezone="Asia/Tokyo"),
    )  # fmt: skip
    with app.app_context():
        made = [event.id for event in occurrences(series.id)]
    move(app, made[1], by=timedelta(hours=2))
    cancel(app, made[2])
    until = first.replace(tzinfo=ZoneInfo("Asia/Tokyo")) + TWO_YEARS
    seen = _expanded(app, series.slug, until, tmp_path)
    assert seen == listed(app, series.id, until=until)
    assert {item.start.astimezone(UTC).time() for item in seen} == {time(10), time(12)}


def test_weekly_on_several_days_across_the_changes(app, make_series, tmp_path):
    first = datetime(2027, 3, 23, 7, 30)  # a Tuesday before the spring change
    schedule = schedule_of(
        frequency=Frequency.WEEKLY, weekdays=(1, 3, 5), nth_weekday=None, count=60,
    )  # fmt: skip
    series = make_series(starts_local=first, now=datetime(2027, 3, 20, tzinfo=UTC),
                         schedule=schedule)  # fmt: skip
    with app.app_context():
        made = [event.id for event in occurrences(series.id)]
    move(app, made[3], by=timedelta(days=1))
    cancel(app, made[4])
    until = first.replace(tzinfo=PARIS) + TWO_YEARS
    seen = _expanded(app, series.slug, until, tmp_path)
    assert seen == listed(app, series.id, until=until)
    assert len(seen) == 59  # sixty dates, one cancelled
    # 07:30 in Paris on both sides of the change (the moved one a day later, same time).
    assert {item.start.astimezone(PARIS).time() for item in seen} == {time(7, 30)}


def _split(app, series_id: int, position: int, hour: int, now: datetime) -> str:
    with app.app_context():
        event = occurrences(series_id)[position]
        day = event.starts_at.astimezone(PARIS).date()
        start = datetime.combine(day, time(hour, 0))
        details = EventDetails(
            title=f"{event.title} at {hour}", timezone=event.timezone, starts_local=start,
            ends_local=start + timedelta(hours=2), venue_name=event.venue_name,
            venue_address=event.venue_address,
        )  # fmt: skip
        actor = db.session.get(User, event.created_by_id)
        update_event(actor, event, details, scope=EditScope.FOLLOWING, now=now)
        db.session.commit()
        return db.session.scalar(select(Series.slug).where(Series.continued_from_id == series_id))


def test_a_split_then_a_second_split(app, make_series, tmp_path):
    now = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)
    first = datetime(2027, 3, 4, 19, 0)
    series = make_series(starts_local=first, now=now)
    until = first.replace(tzinfo=PARIS) + TWO_YEARS
    before = _expanded(app, series.slug, until, tmp_path)
    second_slug = _split(app, series.id, 2, 18, now)
    with app.app_context():
        second = db.session.scalar(select(Series).where(Series.slug == second_slug))
        second_id = second.id
    third_slug = _split(app, second_id, 2, 20, now)
    with app.app_context():
        third_id = db.session.scalar(select(Series.id).where(Series.slug == third_slug))
    halves = []
    for slug, series_id in ((series.slug, series.id), (second_slug, second_id),
                            (third_slug, third_id)):  # fmt: skip
        seen = _expanded(app, slug, until, tmp_path)
        assert seen == listed(app, series_id, until=until), slug
        halves += seen
    halves.sort()
    assert [item.start.astimezone(PARIS).date() for item in halves] == [
        item.start.astimezone(PARIS).date() for item in before
    ]
    hours = [item.start.astimezone(PARIS).hour for item in halves]
    assert hours == [19, 19, 18, 18] + [20] * (len(halves) - 4)


def test_an_ended_series_has_no_date_after_its_end(app, make_series, tmp_path):
    now = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)
    first = datetime(2027, 3, 4, 19, 0)
    series = make_series(starts_local=first, now=now)
    with app.app_context():
        row = db.session.get(Series, series.id)
        end_series(db.session.get(User, row.created_by_id), row, now=now)
        db.session.commit()
        last = max(event.starts_at for event in occurrences(series.id))
        fill_series(db.session.get(Series, series.id), now=now + timedelta(days=90))
        db.session.commit()
        assert max(event.starts_at for event in occurrences(series.id)) == last
    until = first.replace(tzinfo=PARIS) + TWO_YEARS
    seen = _expanded(app, series.slug, until, tmp_path)
    assert seen == listed(app, series.id, until=until)
    assert seen[-1].start == last


def test_a_series_whose_count_is_reached(app, make_series, tmp_path):
    now = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)
    first = datetime(2027, 3, 4, 19, 0)
    series = make_series(starts_local=first, now=now, schedule=schedule_of(count=3))
    with app.app_context():
        for later in (90, 400):
            fill_series(db.session.get(Series, series.id), now=now + timedelta(days=later))
        db.session.commit()
        assert len(occurrences(series.id)) == 3
    until = first.replace(tzinfo=PARIS) + TWO_YEARS
    seen = _expanded(app, series.slug, until, tmp_path)
    assert seen == listed(app, series.id, until=until)
    assert [item.start.astimezone(PARIS).date() for item in seen] == [
        date(2027, 3, 4), date(2027, 4, 1), date(2027, 5, 6),
    ]  # fmt: skip
