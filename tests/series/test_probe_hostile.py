"""Hostile values in every field of the series form and its preview: each
is refused at its field (422) or named in the preview, never a 500, and no
series is half-made."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import Event, Series, SeriesOccurrence, User
from tests.plugins.app import sign_in
from tests.plugins.series import schedule_of
from tests.series.test_editing import form_of
from tests.series.test_series_form import error_at, form, person_in, series_count

HUGE = "1" + "0" * 20
HOSTILE: list[tuple[dict[str, Any], str]] = [
    ({"interval": "0"}, "interval"),
    ({"interval": "-1"}, "interval"),
    ({"interval": "13"}, "interval"),
    ({"interval": HUGE}, "interval"),
    ({"interval": "two"}, "interval"),
    ({"interval": "1e3"}, "interval"),
    ({"frequency": "daily"}, "frequency"),
    ({"frequency": "FREQ=DAILY"}, "frequency"),
    ({"frequency": ""}, "frequency"),
    ({"frequency": "weekly", "weekdays": "9"}, "weekdays"),
    ({"frequency": "weekly", "weekdays": "-1"}, "weekdays"),
    ({"frequency": "weekly", "weekdays": "x"}, "weekdays"),
    ({"frequency": "weekly", "weekdays": HUGE}, "weekdays"),
    ({"frequency": "weekly", "weekdays": ""}, "weekdays"),
    ({"frequency": "weekly"}, "weekdays"),
    ({"nth": "0"}, "nth_weekday"),
    ({"nth": "5"}, "nth_weekday"),
    ({"nth": "-2"}, "nth_weekday"),
    ({"nth": HUGE}, "nth_weekday"),
    ({"nth": "x"}, "nth_weekday"),
    ({"nth_weekday": "7"}, "nth_weekday"),
    ({"nth_weekday": "-1"}, "nth_weekday"),
    ({"nth_weekday": HUGE}, "nth_weekday"),
    ({"monthly_by": "day", "month_day": "0"}, "month_day"),
    ({"monthly_by": "day", "month_day": "32"}, "month_day"),
    ({"monthly_by": "day", "month_day": "-1"}, "month_day"),
    ({"monthly_by": "day", "month_day": HUGE}, "month_day"),
    ({"monthly_by": "day", "month_day": "x"}, "month_day"),
    ({"monthly_by": "day", "month_day": ""}, "month_day"),
    ({"ends": "after", "count": "0"}, "count"),
    ({"ends": "after", "count": "-1"}, "count"),
    ({"ends": "after", "count": "501"}, "count"),
    ({"ends": "after", "count": "1" + "0" * 30}, "count"),
    ({"ends": "after", "count": "many"}, "count"),
    ({"ends": "after", "count": ""}, "count"),
    ({"ends": "on", "until": "2026-01-01"}, "until"),
    ({"ends": "on", "until": "9999-12-31"}, "until"),
    ({"ends": "on", "until": "2027-02-30"}, "until"),
    ({"ends": "on", "until": "0001-01-01"}, "until"),
    ({"ends": "on", "until": ""}, "until"),
    ({"ends": "on", "until": "tomorrow"}, "until"),
    ({"ends": "sometime"}, "ends"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"timezone": "Europe/" + "x" * 5000}, "timezone"),
    ({"timezone": "\x00"}, "timezone"),
    ({"timezone": "localtime"}, "timezone"),
    ({"timezone": "posixrules"}, "timezone"),
    ({"timezone": "EST5EDT"}, "timezone"),
    ({"starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T04:00", "monthly_by": "day",
      "month_day": "28"}, "starts_at"),
    ({"starts_at": "9999-12-31T23:59", "ends_at": "9999-12-31T23:59"}, "starts_at"),
    ({"starts_at": "0001-01-01T00:00"}, "starts_at"),
    ({"starts_at": "2027-02-30T19:00"}, "starts_at"),
    ({"starts_at": ""}, "starts_at"),
    ({"starts_at": "RRULE:FREQ=DAILY;INTERVAL=1"}, "starts_at"),
    ({"frequency": "RRULE:FREQ=MONTHLY;BYDAY=1TH"}, "frequency"),
    ({"title": ""}, "title"),
    ({"title": "x" * 5000}, "title"),
    ({"ends_at": "2027-01-07T18:00"}, "ends_at"),
    ({"community": "no-such-community"}, "community"),
    ({"visibility": "members"}, "visibility"),
    ({"visibility": "secret"}, "visibility"),
    ({"directory_visibility": "everybody"}, "directory_visibility"),
    ({"capacity": "-5"}, "capacity"),
    ({"capacity": HUGE}, "capacity"),
    ({"guest_limit": HUGE}, "guest_limit"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
]  # fmt: skip


@pytest.fixture
def host_client(app, client, make_user):
    sign_in(client, person_in(app, make_user, "Europe/Paris"))
    return client


def _pairs(changes: dict[str, Any]) -> dict[str, Any]:
    return form(**changes)


@pytest.mark.parametrize(("changes", "field"), HOSTILE, ids=lambda v: str(v)[:40])
def test_a_hostile_value_is_refused_at_its_field(app, host_client, changes, field):
    before = series_count(app)
    response = host_client.submit("/series/new", _pairs(changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422, (changes, response.status_code)
    assert error_at(html, field), (
        changes,
        field,
        re.findall(r'id="([a-z_]+)-error">([^<]*)<', html),
    )
    assert series_count(app) == before


@pytest.mark.parametrize(("changes", "field"), HOSTILE, ids=lambda v: str(v)[:40])
def test_the_preview_names_a_hostile_value(host_client, changes, field):
    response = host_client.get("/series/preview?" + urlencode(_pairs(changes)))
    assert response.status_code == 200, (changes, response.status_code)


REPEATED = [
    [("interval", "1"), ("interval", HUGE)],
    [("count", "3"), ("count", "-1"), ("ends", "after"), ("ends", "never")],
    [("frequency", "weekly"), ("frequency", "monthly"), ("weekdays", "1"), ("weekdays", "1")],
    [("timezone", "Europe/Paris"), ("timezone", "Mars/Olympus")],
    [("nth", "1"), ("nth", "0"), ("nth_weekday", "3"), ("nth_weekday", "9")],
]


@pytest.mark.parametrize("pairs", REPEATED, ids=lambda pairs: pairs[0][0])
def test_a_field_sent_twice_is_never_a_server_error(app, host_client, pairs):
    names = {name for name, _ in pairs}
    base = [(name, value) for name, value in form().items() if name not in names]
    token = host_client.csrf_token()
    before = series_count(app)
    posted = host_client.post(
        "/series/new",
        data=urlencode([("csrf_token", token), *base, *pairs]),
        content_type="application/x-www-form-urlencoded",
    )
    assert posted.status_code in (303, 422)
    assert series_count(app) in (before, before + 1)
    assert host_client.get("/series/preview?" + urlencode(base + pairs)).status_code == 200


def test_without_a_csrf_token_nothing_is_made(app, host_client):
    response = host_client.post("/series/new", data=form())
    assert 400 <= response.status_code < 500
    assert series_count(app) == 0


def test_this_and_following_at_a_time_the_clocks_skip_later_is_refused_at_its_field(
    app, make_series, make_user
):
    """Editing the following dates to 02:30 on the last Sunday of the month:
    March's does not exist in Paris. Refused at the start, nothing split."""
    first = datetime(2027, 1, 31, 10, 0)  # the last Sunday of January 2027
    schedule = schedule_of(nth_weekday=(-1, 6))
    series = make_series(starts_local=first, now=datetime(2027, 1, 1, tzinfo=UTC),
                         schedule=schedule)  # fmt: skip
    with app.app_context():
        made = list(
            db.session.scalars(
                select(Event).join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
                .where(SeriesOccurrence.series_id == series.id)
                .order_by(SeriesOccurrence.recurrence_at)
            )
        )  # fmt: skip
        second = made[1]
        host = db.session.get(User, second.created_by_id)
    client = app.test_client()
    sign_in(client, host)
    day = second.starts_at.astimezone(ZoneInfo("Europe/Paris")).date()
    response = client.submit(
        f"/events/{second.slug}/edit",
        form_of(second, scope="following", starts_at=f"{day}T02:30", ends_at=f"{day}T04:00"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "28 March 2027" in error_at(html, "starts_at")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Series)) == 1
