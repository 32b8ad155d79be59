"""With the keyboard alone: the skip link, logging in, replying and changing
the reply, checking someone in and messaging the people coming. Every stop of
the Tab key shows a focus ring."""

from __future__ import annotations

from datetime import datetime

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from meetup.extensions import db
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import replying

NEXT_YEAR = utcnow().year + 1
PASSWORD = "correct horse battery"

# What the focused element looks like, and whether its focus can be seen: an
# outline or a box-shadow at least 2 px wide that is not transparent.
FOCUSED = """
const el = document.activeElement, style = getComputedStyle(el);
const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
              && style.outlineColor !== 'rgba(0, 0, 0, 0)') || style.boxShadow !== 'none';
return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim(),
        name: el.getAttribute('name') || '', label: el.getAttribute('aria-label') || '',
        id: el.id, ring: ring};
"""


def _focused(browser) -> dict:
    return browser.execute_script(FOCUSED)


def _press(browser, *keys: str) -> None:
    browser.switch_to.active_element.send_keys(*keys)


def _tab_to(browser, wanted, *, limit: int = 40) -> dict:
    """Press Tab until the focused element is `wanted` (a predicate), checking
    that every element reached on the way shows its focus."""
    for _ in range(limit):
        _press(browser, Keys.TAB)
        focused = _focused(browser)
        if focused["tag"] != "body":
            assert focused["ring"], f"no visible focus on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"{limit} presses of Tab did not reach the element")


def _text(value: str):
    return lambda focused: focused["text"] == value or focused["label"] == value


def _named(value: str):
    return lambda focused: focused["name"] == value


def _press_and_wait(browser, key: str) -> None:
    """Press `key` on the focused element, then wait for the next page."""
    browser.execute_script("window.meetupOldPage = true")
    _press(browser, key)
    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script(
            "return !window.meetupOldPage && document.readyState === 'complete'"
        )
    )


def _log_in(browser, url: str, email: str) -> None:
    """From the home page: Tab to "Log in", then fill the form and press Enter."""
    browser.delete_all_cookies()
    browser.get(url)
    _tab_to(browser, _text("Log in"))
    _press_and_wait(browser, Keys.ENTER)
    _tab_to(browser, _named("email"))
    _press(browser, email)
    _tab_to(browser, _named("password"))
    _press(browser, PASSWORD)
    _press_and_wait(browser, Keys.ENTER)
    assert "Welcome back" in browser.find_element("tag name", "body").text


def _main_text(browser) -> str:
    return browser.find_element("tag name", "main").text


def test_the_skip_link_takes_focus_to_the_content(live_server, browser) -> None:
    browser.get(f"{live_server.url}/events")
    skip = _tab_to(browser, lambda _: True)
    assert skip["text"] == "Skip to content"
    assert browser.execute_script(
        "const r = document.activeElement.getBoundingClientRect();"
        "return r.left >= 0 && r.top >= 0 && r.width > 0"
    ), "the skip link stays off screen when focused"
    _press(browser, Keys.ENTER)
    assert _focused(browser)["id"] == "content"
    # The next Tab goes on inside the content, past the header's links.
    _press(browser, Keys.TAB)
    assert browser.execute_script(
        "return document.getElementById('content').contains(document.activeElement)"
    )


def test_reply_check_in_and_message_with_the_keyboard_alone(live_server, browser) -> None:
    with live_server.app.app_context():
        people = []
        for name in ("Host", "Ada", "Grace"):
            person = credentials.register_user(
                email=f"{name.lower()}@example.org", display_name=name, password=PASSWORD
            )
            person.email_verified_at = utcnow()
            people.append(person)
        event = lifecycle.create_event(
            people[0],
            event_details.EventDetails(
                title="Keyboard evening", timezone="UTC",
                starts_local=datetime(NEXT_YEAR, 6, 10, 19, 0),
                ends_local=datetime(NEXT_YEAR, 6, 10, 22, 0), venue_name="Hall",
            ),
        ).event  # fmt: skip
        lifecycle.publish_event(people[0], event)
        replying.respond(people[2], event, replying.Reply(going=True))
        db.session.commit()
        page = f"{live_server.url}/events/{event.slug}"

    _log_in(browser, live_server.url, "ada@example.org")
    browser.get(page)
    _tab_to(browser, _text("I'm going"))
    _press_and_wait(browser, Keys.ENTER)
    assert "You're going" in browser.find_element("id", "reply").text
    _tab_to(browser, _text("Withdraw"))
    _press_and_wait(browser, Keys.ENTER)
    assert "You said you can't go" in browser.find_element("id", "reply").text

    _log_in(browser, live_server.url, "host@example.org")
    browser.get(f"{page}/check-in")
    _tab_to(browser, _named("q"))
    _press(browser, "grace")
    _press_and_wait(browser, Keys.ENTER)
    _tab_to(browser, _text("Check in Grace"))
    _press_and_wait(browser, Keys.ENTER)
    assert "1 of 1 checked in" in browser.find_element("id", "arrived").text

    browser.get(f"{page}/message")
    _tab_to(browser, _named("subject"))
    _press(browser, "Doors open at seven")
    _tab_to(browser, _named("body"))
    _press(browser, "See you there.")
    _tab_to(browser, _text("Send"))
    _press_and_wait(browser, Keys.ENTER)
    assert (
        "Your message is on its way to 1 person." in browser.find_element("tag name", "body").text
    )
