"""The series form's live preview in Chromium: as the host changes the
first date and the schedule, the next dates appear in the series' zone and
the host's own, and a refused schedule says why, before anything is sent."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import SeriesOccurrence
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events.event_details import EventDetails
from meetup.services.hosting import lifecycle
from meetup.services.series.occurrences import create_series
from tests.browser.test_every_page import _axe, _check_page
from tests.browser.test_every_page import axe_browser as axe_browser  # the fixture
from tests.browser.test_in_a_browser import _console_errors, _fill, _log_in, _submit
from tests.plugins.series import schedule_of

YEAR = utcnow().year + 1


def _first(weekday: int, year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _last_sunday_of_march(year: int) -> date:
    last = date(year, 3, calendar.monthrange(year, 3)[1])
    return last - timedelta(days=(last.weekday() - 6) % 7)


def _set(browser, name: str, value: str) -> None:
    """Type a date as a person's picker would: the value, then its events."""
    field = browser.find_element(By.NAME, name)
    browser.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        field,
        value,
    )


def _preview_says(browser, *words: str) -> str:
    box = browser.find_element(By.ID, "series-preview")
    WebDriverWait(browser, 10).until(lambda b: all(word in box.text for word in words))
    return box.text


def test_the_preview_follows_the_schedule_as_the_host_edits_it(live_server, browser) -> None:
    with live_server.app.app_context():
        host = credentials.register_user(
            email="host@example.org", display_name="Host", password="correct horse battery"
        )
        host.email_verified_at = utcnow()
        host.timezone = "America/New_York"
        db.session.commit()
    _log_in(browser, live_server.url, "host@example.org")
    browser.get(f"{live_server.url}/series/new")
    assert not browser.find_element(By.CSS_SELECTOR, "[data-frequency=monthly]").get_attribute(
        "hidden"
    )
    assert browser.find_element(By.CSS_SELECTOR, "[data-frequency=weekly]").get_attribute("hidden")

    # Monthly on the first Thursday, 19:00 in Paris: shown in New York too.
    thursday = _first(3, YEAR, 1)
    _fill(browser, {"title": "Paris UX Nights", "venue_name": "Station F"})
    Select(browser.find_element(By.NAME, "timezone")).select_by_value("Europe/Paris")
    _set(browser, "starts_at", f"{thursday}T19:00")
    _set(browser, "ends_at", f"{thursday}T21:00")
    text = _preview_says(browser, f"Thu {thursday.day} Jan {YEAR}, 19:00 CET", "13:00 EST")
    assert "Every month on the first Thursday at 19:00 (Europe/Paris)" in text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#series-preview li")) == 6

    # Weekly on Sundays at 02:30: the night the clocks go forward is named.
    sunday = _first(6, YEAR, 1)
    browser.find_element(By.CSS_SELECTOR, "input[name=frequency][value=weekly]").click()
    assert browser.find_element(By.CSS_SELECTOR, "[data-frequency=monthly]").get_attribute("hidden")
    browser.find_element(By.CSS_SELECTOR, "input[name=weekdays][value='3']").click()  # off
    browser.find_element(By.CSS_SELECTOR, "input[name=weekdays][value='6']").click()
    _set(browser, "starts_at", f"{sunday}T02:30")
    _set(browser, "ends_at", f"{sunday}T04:00")
    gap = _last_sunday_of_march(YEAR)
    _preview_says(browser, f"02:30 does not exist in Europe/Paris on Sunday {gap.day} March {YEAR}")

    # Back to an evening: dates again, and the form publishes the series.
    _set(browser, "starts_at", f"{sunday}T19:00")
    _set(browser, "ends_at", f"{sunday}T21:00")
    _preview_says(browser, f"Sun {sunday.day} Jan {YEAR}, 19:00 CET")
    assert _console_errors(browser) == []
    _submit(browser)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Every week on Sunday at 19:00 (Europe/Paris)" in body
    assert "Your series is published" in body


def test_the_series_page_and_a_refused_form_pass_the_every_page_checks(
    live_server, axe_browser
) -> None:
    browser = axe_browser
    with live_server.app.app_context():
        host = credentials.register_user(
            email="host@example.org", display_name="Host", password="correct horse battery"
        )
        host.email_verified_at = utcnow()
        thursday = _first(3, YEAR, 1)
        series = create_series(
            host,
            EventDetails(
                title="Paris UX Nights", timezone="Europe/Paris",
                starts_local=datetime.combine(thursday, time(19, 0)),
                ends_local=datetime.combine(thursday, time(21, 0)), venue_name="Station F",
            ),
            schedule_of(),
            now=datetime.combine(thursday, time(), tzinfo=UTC) - timedelta(days=1),
        )  # fmt: skip
        _first_one, second, third = sorted(
            (link.event for link in db.session.scalars(select(SeriesOccurrence))),
            key=lambda event: event.starts_at,
        )[:3]
        lifecycle.cancel_event(host, second)
        third.starts_at += timedelta(days=1)
        third.ends_at += timedelta(days=1)
        slug = series.slug
        db.session.commit()
    page = f"{live_server.url}/series/{slug}"
    assert _check_page(browser, page, 200) == []
    _log_in(browser, live_server.url, "host@example.org")
    assert _check_page(browser, page, 200) == []
    assert "Host tools" in browser.find_element(By.TAG_NAME, "body").text
    browser.get(f"{live_server.url}/series/new")
    _set(browser, "starts_at", f"{thursday}T19:00")
    browser.find_element(By.CSS_SELECTOR, "input[name=frequency][value=weekly]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=weekdays][value='3']").click()  # none
    _submit(browser)
    assert (
        "Choose at least one day of the week." in browser.find_element(By.ID, "weekdays-error").text
    )
    assert _axe(browser, scheme="light") == []
