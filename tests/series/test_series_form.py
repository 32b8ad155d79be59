"""The series form (/series/new): making a series from the first date's
details and a schedule, every refusal at its field (422, never a 500), and
the preview of the next dates, with and without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import Event, Series, SeriesOccurrence, User
from tests.plugins.app import sign_in

FIRST = "2027-01-07T19:00"  # the first Thursday of January 2027


def form(**changes: Any) -> dict[str, Any]:
    """What a host submits: monthly on the first Thursday, 19:00 Paris."""
    return {
        "title": "Paris UX Nights",
        "description": "Talks and drinks.",
        "timezone": "Europe/Paris",
        "starts_at": FIRST,
        "ends_at": "2027-01-07T21:00",
        "frequency": "monthly",
        "interval": "1",
        "monthly_by": "weekday",
        "nth": "1",
        "nth_weekday": "3",
        "ends": "never",
        "venue_name": "Station F",
        "visibility": "public",
        "directory_visibility": "attendees",
        "guest_limit": "0",
        **changes,
    }


def error_at(html: str, field: str) -> str:
    """The refusal shown next to `field` ("" when none)."""
    match = re.search(rf'id="{field}-error">([^<]*)<', html)
    return match.group(1) if match else ""


def series_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Series))


def person_in(app, make_user, zone: str) -> User:
    person = make_user()
    with app.app_context():
        db.session.get(User, person.id).timezone = zone
        db.session.commit()
    return person


@pytest.fixture
def host_client(app, client, make_user):
    sign_in(client, person_in(app, make_user, "Europe/Paris"))
    return client


def test_the_form_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/series/new")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_host_makes_a_monthly_series_and_lands_on_its_page(app, host_client):
    page = host_client.get("/series/new")
    assert page.status_code == 200
    assert 'name="frequency"' in page.get_data(as_text=True)

    response = host_client.submit("/series/new", form())

    assert response.status_code == 303
    with app.app_context():
        series = db.session.scalar(select(Series))
        assert response.headers["Location"].endswith(f"/series/{series.slug}")
        assert series.nth == 1 and series.nth_weekday == 3 and series.timezone == "Europe/Paris"
        made = db.session.scalars(
            select(Event)
            .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
            .where(SeriesOccurrence.series_id == series.id)
            .order_by(Event.starts_at)
        ).all()
        assert made[0].title == "Paris UX Nights"
        assert len(made) >= 3
    shown = host_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Every month on the first Thursday at 19:00 (Europe/Paris)" in shown


def test_a_weekly_series_every_other_week_for_five_dates(app, host_client):
    response = host_client.submit(
        "/series/new",
        form(frequency="weekly", interval="2", weekdays=["1", "3"], ends="after", count="5",
             starts_at="2027-01-05T08:30", ends_at="2027-01-05T09:30"),
    )  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        series = db.session.scalar(select(Series))
        assert (series.weekdays, series.interval, series.count) == ("1,3", 2, 5)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"frequency": "FREQ=MONTHLY;BYDAY=1TH"}, "frequency", "Choose weekly or monthly"),
        ({"interval": "FREQ=DAILY"}, "interval", "whole number"),
        ({"interval": "0"}, "interval", "Repeat every 1 to 12"),
        ({"frequency": "weekly", "weekdays": ["9"]}, "weekdays", "at least one day"),
        ({"frequency": "weekly", "weekdays": ["MO"]}, "weekdays", "days of the week"),
        ({"frequency": "weekly"}, "weekdays", "at least one day"),
        ({"nth_weekday": "9"}, "nth_weekday", "first, second, third, fourth or last"),
        ({"nth": "5"}, "nth_weekday", "first, second, third, fourth or last"),
        ({"monthly_by": "day", "month_day": "40"}, "month_day", "from 1 to 31"),
        ({"monthly_by": "day", "month_day": ""}, "month_day", "day of the month"),
        ({"ends": "after", "count": "0"}, "count", "1 to 500 dates"),
        ({"ends": "after", "count": ""}, "count", "how many dates"),
        ({"ends": "on", "until": "2026-12-01"}, "until", "cannot end before it starts"),
        ({"ends": "on", "until": ""}, "until", "date of the last one"),
        ({"ends": "tomorrow"}, "ends", "when the series ends"),
        ({"monthly_by": "year"}, "monthly_by", "weekday of the month or a day of the month"),
        ({"timezone": "Mars/Olympus"}, "timezone", "time zone"),
        ({"starts_at": "next thursday"}, "starts_at", ""),
        ({"starts_at": "9999-12-31T23:00", "timezone": "America/New_York"}, "starts_at", "1970"),
        ({"ends": "on", "until": "9999-12-31"}, "until", "1970"),
        ({"ends_at": "2027-01-07T18:00"}, "ends_at", "end after it starts"),
        ({"title": ""}, "title", "title"),
    ],
)
def test_a_refused_schedule_or_detail_is_said_at_its_field(app, host_client, changes, field, words):
    response = host_client.submit("/series/new", form(**changes))

    assert response.status_code == 422
    assert words in error_at(response.get_data(as_text=True), field)
    assert series_count(app) == 0


def test_a_time_the_clocks_skip_is_refused_naming_the_date(app, host_client):
    # Every Sunday at 02:30 in Paris: on 28 March 2027 the clocks jump from 02:00 to 03:00.
    response = host_client.submit(
        "/series/new",
        form(frequency="weekly", weekdays=["6"], starts_at="2027-01-03T02:30",
             ends_at="2027-01-03T04:00"),
    )  # fmt: skip
    assert response.status_code == 422
    message = error_at(response.get_data(as_text=True), "starts_at")
    assert "02:30 does not exist in Europe/Paris on Sunday 28 March 2027" in message


def test_more_than_200_dates_a_year_is_refused(app, host_client):
    response = host_client.submit(
        "/series/new", form(frequency="weekly", weekdays=[str(day) for day in range(7)])
    )
    assert response.status_code == 422
    assert "at most 200 dates a year" in error_at(response.get_data(as_text=True), "weekdays")


def test_a_series_only_in_a_community_one_administers(app, host_client, make_user, make_community):
    community = make_community(admins=(make_user(),), slug="paris-ux")
    response = host_client.submit("/series/new", form(community="paris-ux"))
    assert response.status_code == 422
    assert "community you are an admin of" in error_at(response.get_data(as_text=True), "community")
    assert series_count(app) == 0
    assert community.slug == "paris-ux"


def test_an_admin_starts_from_the_community_page_and_the_series_is_the_communitys(
    app, client, make_user, make_community
):
    admin = make_user()
    make_community(admins=(admin,), slug="paris-ux", name="Paris UX")
    sign_in(client, admin)
    page = client.get("/series/new?community=paris-ux").get_data(as_text=True)
    assert re.search(r'<option selected value="paris-ux">|<option value="paris-ux" selected', page)

    response = client.submit("/series/new", form(community="paris-ux"))

    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Series)).community.slug == "paris-ux"


def test_an_unconfirmed_account_cannot_make_a_series(app, client, make_user):
    sign_in(client, make_user(verified=False))
    response = client.submit("/series/new", form())
    assert response.status_code == 403
    assert "Confirm your email address" in response.get_data(as_text=True)
    assert series_count(app) == 0


def test_without_javascript_the_preview_button_shows_the_next_dates(app, host_client):
    response = host_client.submit("/series/new", form(preview="Preview dates", title=""))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thu 7 Jan 2027, 19:00 CET" in html
    assert "Thu 1 Apr 2027, 19:00 CEST" in html  # after the clocks change: still 19:00
    assert error_at(html, "title") == ""  # a preview is not a submission
    assert series_count(app) == 0


def test_the_preview_fragment_shows_the_viewers_zone_when_it_differs(app, client, make_user):
    sign_in(client, person_in(app, make_user, "America/New_York"))
    response = client.get("/series/preview", query_string=form())

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<li>") == 6
    assert "Thu 7 Jan 2027, 19:00 CET" in html
    assert "Thu 7 Jan 2027, 13:00 EST in America/New_York" in html
    # In March Europe and America change their clocks two weeks apart.
    assert "Thu 4 Mar 2027, 13:00 EST" in html
    assert "Thu 1 Apr 2027, 13:00 EDT" in html


def test_the_preview_in_the_viewers_own_zone_names_it_once(app, host_client):
    html = host_client.get("/series/preview", query_string=form()).get_data(as_text=True)
    assert "your time zone" not in html


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"frequency": "weekly", "weekdays": ["6"], "starts_at": "2027-01-03T02:30"},
         "on Sunday 28 March 2027"),
        ({"frequency": "weekly", "weekdays": [str(day) for day in range(7)]}, "200 dates a year"),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone"),
        ({"starts_at": ""}, "Enter when the first date starts"),
        ({"frequency": "RRULE:FREQ=DAILY"}, "Choose weekly or monthly"),
        ({"interval": "9999999999999999999999"}, "Repeat every 1 to 12"),
        ({"starts_at": "9999-12-31T23:00", "timezone": "America/New_York"}, "between 1970"),
        ({"ends": "on", "until": "9999-12-31", "frequency": "weekly", "weekdays": ["0"]}, "Mon"),
    ],
)  # fmt: skip
def test_the_preview_says_why_a_schedule_is_refused(host_client, changes, words):
    response = host_client.get("/series/preview", query_string=form(**changes))
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)


def test_the_preview_needs_an_account(client):
    assert client.get("/series/preview", query_string=form()).status_code == 302


def test_the_schedules_refusal_comes_with_the_other_fields_at_once(app, host_client):
    response = host_client.submit("/series/new", form(title="", frequency="weekly"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "title" in error_at(html, "title")
    assert "at least one day" in error_at(html, "weekdays")
