"""The pages that matter, in Chromium: forms work without JavaScript, the
Content-Security-Policy blocks nothing of ours, and phones don't scroll sideways."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, User
from meetup.models.types import utcnow

NEXT_YEAR = utcnow().year + 1


def _console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def _fill(browser, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = browser.find_element(By.NAME, name)
        if field.get_attribute("type") in ("datetime-local", "date"):
            browser.execute_script("arguments[0].value = arguments[1]", field, value)
        else:
            field.clear()
            field.send_keys(value)


def _click_and_wait(browser, element) -> None:
    """Click, then wait for the next page to replace this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def _submit(browser) -> None:
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def test_sign_up_verify_and_host_an_event(live_server, browser) -> None:
    browser.get(f"{live_server.url}/signup")
    _fill(browser, {"display_name": "Grace Hopper", "email": "grace@example.org",
                    "password": "correct horse battery"})  # fmt: skip
    _submit(browser)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Welcome, Grace Hopper!" in body
    assert "Please confirm your email address" in body

    with live_server.app.app_context():
        from meetup.models import OutboxMessage

        message = db.session.scalar(select(OutboxMessage))
        link = message.context["url"]
    browser.get(link)
    assert "grace@example.org is confirmed" in browser.find_element(By.TAG_NAME, "body").text

    browser.get(f"{live_server.url}/events/new")
    _fill(browser, {
        "title": "Compilers & coffee",
        "description": "Bring a **bug** story.",
        "starts_at": f"{NEXT_YEAR}-06-10T08:00",
        "ends_at": f"{NEXT_YEAR}-06-10T10:00",
        "venue_name": "Harvard Mark I room",
        "topics": "compilers, history",
    })  # fmt: skip
    browser.find_element(
        By.CSS_SELECTOR, "select[name=timezone] option[value='America/New_York']"
    ).click()
    _submit(browser)
    assert "Your draft is saved" in browser.find_element(By.TAG_NAME, "body").text
    _click_and_wait(
        browser, browser.find_element(By.XPATH, "//button[normalize-space()='Publish']")
    )
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Your event is published." in text
    assert f"10 Jun {NEXT_YEAR}, 08:00–10:00 EDT" in text
    assert browser.find_element(By.CSS_SELECTOR, ".event__description strong").text == "bug"
    assert _console_errors(browser) == []

    with live_server.app.app_context():
        event = db.session.scalar(select(Event))
        assert event.status.value == "published"
        assert db.session.scalar(select(User)).is_verified


def test_bad_input_comes_back_at_the_field(live_server, browser) -> None:
    browser.get(f"{live_server.url}/signup")
    _fill(browser, {"display_name": "X", "email": "not-an-email", "password": "short"})
    _submit(browser)
    email = browser.find_element(By.ID, "email")
    assert email.get_attribute("aria-invalid") == "true"
    error = browser.find_element(By.ID, email.get_attribute("aria-describedby").split()[-1])
    assert "Enter a valid email address" in error.text
    assert email.get_attribute("value") == "not-an-email"


def test_pages_fit_a_phone_and_break_no_policy(live_server, browser) -> None:
    from datetime import datetime

    from meetup.services import accounts, events

    with live_server.app.app_context():
        host = accounts.register_user(
            email="host@example.org", display_name="Host", password="correct horse battery"
        )
        host.email_verified_at = utcnow()
        event = events.create_event(
            host,
            events.EventDetails(
                title="A rather long title for a networking evening on a small screen",
                timezone="Europe/Paris",
                starts_local=datetime(NEXT_YEAR, 6, 10, 18, 0),
                ends_local=datetime(NEXT_YEAR, 6, 10, 20, 0),
                venue_name="Station F",
                venue_address="5 Parvis Alan Turing, 75013 Paris",
                description="A very long word: " + "x" * 80,
                topics=["python", "machine learning"],
            ),
        ).event
        events.publish_event(host, event)
        db.session.commit()
        slug = event.slug
    browser.set_window_size(360, 800)
    for path in ("/", "/events", "/login", "/signup", f"/events/{slug}"):
        browser.get(f"{live_server.url}{path}")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    assert _console_errors(browser) == []
