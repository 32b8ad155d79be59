"""Making a series and filling its horizon (services.series.occurrences):
real events at the schedule's local time, ahead for the next three or 60
days, made once however often the job runs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.lib.schedules import Frequency
from meetup.models import Event, EventStatus, Series
from meetup.services.events.event_details import EventDetails
from meetup.services.series.occurrences import create_series, fill_all, fill_series
from tests.plugins.series import occurrences, schedule_of

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 9, 1, 8, 0, tzinfo=UTC)


def test_a_monthly_series_makes_its_next_three_dates_at_paris_time_across_the_clocks_change(
    app, make_series
):
    series = make_series(starts_local=datetime(2027, 9, 2, 19, 0), now=NOW)
    with app.app_context():
        made = occurrences(series.id)
        local = [event.starts_at.astimezone(PARIS) for event in made]
        assert [moment.date().isoformat() for moment in local] == [
            "2027-09-02", "2027-10-07", "2027-11-04",
        ]  # fmt: skip
        assert {moment.time() for moment in local} == {time(19, 0)}
        assert [event.starts_at.astimezone(UTC).hour for event in made] == [17, 17, 18]
        assert all(event.status == EventStatus.PUBLISHED for event in made)
        assert [event.ends_at - event.starts_at for event in made] == [timedelta(hours=2)] * 3
        # Each edition follows the one before: the report's lineage.
        assert [event.previous_edition_id for event in made] == [None, made[0].id, made[1].id]


def test_filling_again_makes_nothing_and_a_later_run_makes_the_next_date(app, make_series):
    series = make_series(starts_local=datetime(2027, 9, 2, 19, 0), now=NOW)
    with app.app_context():
        row = db.session.get(Series, series.id)
        assert fill_series(row, now=NOW) == []
        assert len(occurrences(series.id)) == 3
        # On 11 October: November and December are within 60 days, and
        # January is the third date ahead.
        steps = list(fill_all(now=NOW + timedelta(days=40)))
        assert sum(len(made) for made in steps) == 2
        assert len(occurrences(series.id)) == 5


def test_a_weekly_series_fills_sixty_days(app, make_series):
    schedule = schedule_of(frequency=Frequency.WEEKLY, nth_weekday=None, weekdays=(1, 3))
    series = make_series(starts_local=datetime(2027, 9, 2, 19, 0), schedule=schedule, now=NOW)
    with app.app_context():
        made = occurrences(series.id)
        assert made[0].starts_at.astimezone(PARIS).date().isoformat() == "2027-09-02"
        assert all(event.starts_at <= NOW + timedelta(days=60) for event in made)
        assert len(made) == 17  # Tuesdays and Thursdays from 2 September to 30 October


def test_a_schedule_refusal_names_its_field_and_nothing_is_made(app, make_user):
    host = make_user()
    details = EventDetails(
        title="Coffee", timezone="Europe/Paris",
        starts_local=datetime(2027, 9, 2, 19, 0), ends_local=datetime(2027, 9, 2, 21, 0),
    )  # fmt: skip
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Event))
        with pytest.raises(InvalidInput) as refused:
            create_series(db.session.merge(host), details, schedule_of(count=0), now=NOW)
        assert refused.value.field == "count"
        assert db.session.scalar(select(func.count()).select_from(Event)) == before
