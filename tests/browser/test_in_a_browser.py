"""The pages that matter, in Chromium: forms work without JavaScript, the
Content-Security-Policy blocks nothing of ours, and phones don't scroll sideways."""

from __future__ import annotations

from datetime import datetime

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.connections import asking
from meetup.services.hosting import lifecycle

NEXT_YEAR = utcnow().year + 1


def _console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def _sideways_scroll(browser) -> int:
    """How many pixels the page is wider than the window (0: it fits)."""
    return browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _fill(browser, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = browser.find_element(By.NAME, name)
        if field.get_attribute("type") in ("datetime-local", "date"):
            browser.execute_script("arguments[0].value = arguments[1]", field, value)
        else:
            field.clear()
            field.send_keys(value)


def _click_and_wait(browser, element) -> None:
    """Click, then wait until the next page has replaced this one and loaded.

    The old page is marked in its window object; asking the browser while it
    swaps documents may fail, so those errors only mean "not yet"."""
    browser.execute_script("window.meetupOldPage = true")
    element.click()
    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script(
            "return !window.meetupOldPage && document.readyState === 'complete'"
        )
    )


def _submit(browser) -> None:
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def test_sign_up_verify_and_host_an_event(live_server, browser) -> None:
    browser.get(f"{live_server.url}/signup")
    _fill(browser, {"display_name": "Grace Hopper", "email": "grace@example.org",
                    "password": "correct horse battery"})  # fmt: skip
    _submit(browser)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "We sent a message to grace@example.org" in body

    with live_server.app.app_context():
        from meetup.models import OutboxMessage

        message = db.session.scalar(select(OutboxMessage))
        link = message.context["url"]
    browser.get(link)
    assert "grace@example.org is confirmed" in browser.find_element(By.TAG_NAME, "body").text
    _fill(browser, {"email": "grace@example.org", "password": "correct horse battery"})
    _submit(browser)
    assert "Welcome back, Grace Hopper." in browser.find_element(By.TAG_NAME, "body").text

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

    from meetup.services.events import event_details

    with live_server.app.app_context():
        host = credentials.register_user(
            email="host@example.org", display_name="Host", password="correct horse battery"
        )
        host.email_verified_at = utcnow()
        event = lifecycle.create_event(
            host,
            event_details.EventDetails(
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
        lifecycle.publish_event(host, event)
        db.session.commit()
        slug = event.slug
    browser.set_window_size(360, 800)
    for path in ("/", "/events", "/login", "/signup", f"/events/{slug}"):
        browser.get(f"{live_server.url}{path}")
        assert _sideways_scroll(browser) <= 0, path
    assert _console_errors(browser) == []


def _members(*names: str) -> list:
    """Verified members named `names`, with <name>@example.org addresses
    (inside an app context; the caller commits)."""

    people = []
    for name in names:
        person = credentials.register_user(
            email=f"{name.lower()}@example.org", display_name=name,
            password="correct horse battery",
        )  # fmt: skip
        person.email_verified_at = utcnow()
        people.append(person)
    return people


def _log_in(browser, url: str, email: str) -> None:
    browser.delete_all_cookies()
    browser.get(f"{url}/login")
    _fill(browser, {"email": email, "password": "correct horse battery"})
    _submit(browser)


def test_reply_join_the_waitlist_and_move_up_on_a_phone(live_server, browser) -> None:
    from datetime import datetime

    from meetup.models import EventQuestion
    from meetup.services.events import event_details

    with live_server.app.app_context():
        people = _members("Host", "Ada", "Grace")
        event = lifecycle.create_event(
            people[0],
            event_details.EventDetails(
                title="One seat supper", timezone="Europe/Paris",
                starts_local=datetime(NEXT_YEAR, 6, 10, 19, 0),
                ends_local=datetime(NEXT_YEAR, 6, 10, 22, 0),
                venue_name="Le Petit Salon", capacity=1,
            ),
        ).event  # fmt: skip
        event.questions.append(
            EventQuestion(position=1, kind="choice", label="Which table?",
                          choices=["Hiring", "Mentoring"], is_required=True)
        )  # fmt: skip
        lifecycle.publish_event(people[0], event)
        db.session.commit()
        page = f"{live_server.url}/events/{event.slug}"
    browser.set_window_size(360, 800)

    _log_in(browser, live_server.url, "ada@example.org")
    browser.get(page)
    browser.find_element(By.CSS_SELECTOR, "input[value='Mentoring']").click()
    _click_and_wait(
        browser, browser.find_element(By.XPATH, '//button[normalize-space()="I\'m going"]')
    )
    assert "You're going" in browser.find_element(By.ID, "reply").text

    _log_in(browser, live_server.url, "grace@example.org")
    browser.get(page)
    assert _sideways_scroll(browser) <= 0
    # Without the required answer: the page comes back with the message at the field.
    join = browser.find_element(By.XPATH, "//button[normalize-space()='Join the waitlist']")
    _click_and_wait(browser, join)
    choices = browser.find_element(By.CSS_SELECTOR, "fieldset[aria-describedby]")
    assert "The hosts need an answer to this question." in choices.text
    browser.find_element(By.CSS_SELECTOR, "input[value='Hiring']").click()
    join = browser.find_element(By.XPATH, "//button[normalize-space()='Join the waitlist']")
    _click_and_wait(browser, join)
    assert "You're number 1 on the waitlist" in browser.find_element(By.ID, "reply").text

    _log_in(browser, live_server.url, "ada@example.org")
    browser.get(page)
    _click_and_wait(
        browser, browser.find_element(By.XPATH, "//button[normalize-space()='Withdraw']")
    )
    assert "You said you can't go" in browser.find_element(By.ID, "reply").text
    _log_in(browser, live_server.url, "grace@example.org")
    browser.get(f"{live_server.url}/my/events")
    assert "Going" in browser.find_element(By.TAG_NAME, "main").text
    # The 422 of the refused reply is logged too; nothing else may be.
    assert [error for error in _console_errors(browser) if "status of 422" not in error] == []


def test_check_in_at_the_door_on_a_phone(live_server, browser) -> None:
    from meetup.services.events import event_details
    from meetup.services.rsvps import replying

    with live_server.app.app_context():
        people = _members("Host", "Ada", "Grace", "Linus")
        event = lifecycle.create_event(
            people[0],
            event_details.EventDetails(
                title="Door test", timezone="UTC",
                starts_local=datetime(NEXT_YEAR, 6, 10, 19, 0),
                ends_local=datetime(NEXT_YEAR, 6, 10, 22, 0), venue_name="Hall",
            ),
        ).event  # fmt: skip
        lifecycle.publish_event(people[0], event)
        for person in people[1:]:
            replying.respond(person, event, replying.Reply(going=True))
        db.session.commit()
        page = f"{live_server.url}/events/{event.slug}/check-in"
    browser.set_window_size(360, 800)
    _log_in(browser, live_server.url, "host@example.org")
    browser.get(page)
    assert _sideways_scroll(browser) <= 0
    assert "0 of 3 checked in" in browser.find_element(By.ID, "arrived").text
    _fill(browser, {"q": "grace"})
    _click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Search']"))
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "[aria-label='Check in Grace']"))
    assert "1 of 3 checked in" in browser.find_element(By.ID, "arrived").text
    assert "Grace is checked in." in browser.find_element(By.TAG_NAME, "main").text
    _click_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, "[aria-label='Undo check-in of Grace']")
    )
    assert "0 of 3 checked in" in browser.find_element(By.ID, "arrived").text
    assert _console_errors(browser) == []


def test_see_who_is_coming_and_filter_on_a_phone(live_server, browser) -> None:
    from meetup.services.accounts import privacy_settings, profiles
    from meetup.services.events import event_details
    from meetup.services.rsvps import replying

    with live_server.app.app_context():
        host, ada, grace, linus = _members("Host", "Ada", "Grace", "Linus")
        event = lifecycle.create_event(
            host,
            event_details.EventDetails(
                title="Mentors and mentees", timezone="UTC",
                starts_local=datetime(NEXT_YEAR, 6, 10, 19, 0),
                ends_local=datetime(NEXT_YEAR, 6, 10, 22, 0), venue_name="Hall",
                directory_visibility="attendees",
            ),
        ).event  # fmt: skip
        lifecycle.publish_event(host, event)
        profiles.update_profile(
            grace, display_name="Grace", headline="Rear admiral", company="US Navy", bio="",
            interests=["compilers"], links=[], offers=["mentoring"], seeks=[], timezone="UTC",
        )  # fmt: skip
        privacy_settings.update_privacy(
            linus, profile_visibility="members", is_listed_in_directories=False,
            is_email_shared_with_connections=False, is_followup_email_wanted=True,
        )  # fmt: skip
        for person in (ada, grace, linus):
            replying.respond(person, event, replying.Reply(going=True))
        db.session.commit()
        page = f"{live_server.url}/events/{event.slug}"
    browser.set_window_size(360, 800)
    _log_in(browser, live_server.url, "ada@example.org")
    browser.get(page)
    _click_and_wait(browser, browser.find_element(By.LINK_TEXT, "See who's coming"))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Grace" in main and "Rear admiral · US Navy" in main
    assert "Linus" not in main and "3 people going." in main
    assert "@example.org" not in browser.page_source
    assert _sideways_scroll(browser) <= 0
    Select(browser.find_element(By.NAME, "offers")).select_by_visible_text("Mentoring")
    _click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Search']"))
    people = browser.find_element(By.CSS_SELECTOR, ".people-list").text
    assert "Grace" in people and "Ada" not in people
    # Her profile lists the event, since its list shows her to Ada.
    _click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Grace"))
    assert (
        "Mentors and mentees"
        in browser.find_element(By.ID, "upcoming").find_element(By.XPATH, "..").text
    )
    assert _console_errors(browser) == []


def test_log_out_another_session_from_a_phone(live_server, browser) -> None:
    from meetup.services.accounts import sessions

    with live_server.app.app_context():
        (ada,) = _members("Ada")
        db.session.flush()
        sessions.start_session(
            ada, user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Firefox/133.0"
        )
        db.session.commit()
    browser.set_window_size(360, 800)
    _log_in(browser, live_server.url, "ada@example.org")
    browser.get(f"{live_server.url}/account/sessions")
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Firefox on Windows" in text and "this browser" in text
    assert _sideways_scroll(browser) <= 0
    _click_and_wait(
        browser,
        browser.find_element(By.XPATH, "//button[normalize-space()='Log out everywhere else']"),
    )
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "1 other session logged out." in text
    assert "Firefox on Windows" not in text
    assert _console_errors(browser) == []


def test_connect_answer_and_download_a_card_on_a_phone(live_server, browser) -> None:

    with live_server.app.app_context():
        ada, grace = _members("Ada", "Grace")
        grace.headline = "Compiler engineer"
        db.session.flush()
        asking.ask_to_connect(grace, ada.id, note="We met at the compilers meetup!")
        db.session.commit()
    browser.set_window_size(360, 800)
    _log_in(browser, live_server.url, "ada@example.org")
    nav = browser.find_element(By.CSS_SELECTOR, ".site-nav").text
    assert "My network" in nav and "1" in nav  # one request waiting
    _click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "My network"))
    _click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Requests"))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Grace" in main and "We met at the compilers meetup!" in main
    assert _sideways_scroll(browser) <= 0
    _click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Accept']"))
    assert "You and Grace are connected." in browser.find_element(By.TAG_NAME, "body").text
    browser.get(f"{live_server.url}/connections")
    card = browser.find_element(By.CSS_SELECTOR, ".people-list").text
    assert "Grace" in card and "Compiler engineer" in card
    assert _sideways_scroll(browser) <= 0
    assert _console_errors(browser) == []


def test_people_to_meet_fit_a_phone(live_server, browser) -> None:
    """The demo's Ada, on a 390 px phone: her suggestions with their reasons
    and actions, and no sideways scroll."""
    from meetup import demo

    with live_server.app.app_context():
        demo.seed_demo()  # builds the suggestions, as `make run` does
        db.session.commit()
        slug = db.session.scalar(
            select(Event.slug).where(Event.title == "Climate tech careers night")
        )
    browser.set_window_size(390, 844)
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/login")
    _fill(browser, {"email": demo.DEMO_LOGIN_EMAIL, "password": demo.DEMO_PASSWORD})
    _submit(browser)
    browser.get(f"{live_server.url}/events/{slug}/people")
    section = browser.find_element(By.CSS_SELECTOR, ".suggestions").text
    assert "People you should meet" in section and "Grace Kim" in section
    assert "you're hiring" in section and "Connect" in section
    assert _sideways_scroll(browser) <= 0
    assert _console_errors(browser) == []


def test_the_replies_answers_read_on_a_phone(live_server, browser) -> None:
    """Issue 34, item 11: at 375 px the answer columns were 71-98 px wide and
    each row 137 px tall. Answers now wrap in a readable column, the table
    scrolls sideways in its box, its first column kept."""
    from meetup.services.events import event_details, questions
    from meetup.services.rsvps import replying

    answer = "We build open-source tools for climate data and look for a mentor in policy."
    with live_server.app.app_context():
        people = _members("Host", "Ada", "Grace")
        event = lifecycle.create_event(
            people[0],
            event_details.EventDetails(
                title="Answers test", timezone="UTC",
                starts_local=datetime(NEXT_YEAR, 6, 10, 19, 0),
                ends_local=datetime(NEXT_YEAR, 6, 10, 22, 0), venue_name="Hall",
            ),
        ).event  # fmt: skip
        lifecycle.publish_event(people[0], event)
        for label in ("What do you work on?", "Dietary needs?"):
            draft = questions.QuestionDraft(label, "short_text")
            questions.add_question(people[0], event, draft)
        keys = [str(question.id) for question in event.questions]
        for person in people[1:]:
            replying.respond(
                person, event, replying.Reply(going=True, answers=dict.fromkeys(keys, answer))
            )
        db.session.commit()
        page = f"{live_server.url}/events/{event.slug}/replies"
    browser.set_window_size(375, 800)
    _log_in(browser, live_server.url, "host@example.org")
    browser.get(page)
    assert _sideways_scroll(browser) <= 0  # the box scrolls, not the page
    shape = browser.execute_script(
        "const cells = [...document.querySelectorAll('.table-scroll td.answer')];"
        "const rows = [...document.querySelectorAll('.table-scroll tbody tr')];"
        "return {widths: cells.map(c => c.getBoundingClientRect().width),"
        " heights: rows.map(r => r.getBoundingClientRect().height),"
        " kept: getComputedStyle(document.querySelector('.table-scroll td')).position};"
    )
    assert len(shape["widths"]) == 4
    assert min(shape["widths"]) >= 180, shape
    assert max(shape["heights"]) <= 120, shape
    assert shape["kept"] == "sticky"
    assert _console_errors(browser) == []
