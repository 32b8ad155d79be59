"""The series form's live preview in Chromium: as the host changes the
first date and the schedule, the next dates appear in the series' zone and
the host's own, and a refused schedule says why, before anything is sent."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from meetup.extensions import db
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from tests.browser.test_in_a_browser import _console_errors, _fill, _log_in, _submit

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
    browser.find_element(
        By.CSS_SELECTOR, "select[name=timezone] option[value='Europe/Paris']"
    ).click()
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
