"""Login sessions live on the server: logging out, or ending a session from
the account page, makes every copy of its cookies anonymous."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from meetup.extensions import db
from meetup.lib.user_agents import describe_user_agent
from meetup.models import LoginSession
from meetup.models.types import utcnow

PASSWORD = "correct horse battery"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _is_logged_in(client) -> bool:
    return "Log out" in client.get("/").get_data(as_text=True)


def _log_in(client, email: str, *, remember: bool = False, agent: str = FIREFOX) -> None:
    data = {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    token = client.csrf_token("/login")
    response = client.post(
        "/login", data={"csrf_token": token, **data}, headers={"User-Agent": agent}
    )
    assert response.status_code == 303


def _copy_cookies(source, target) -> None:
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def _sessions(app, user_id: int) -> list[LoginSession]:
    with app.app_context():
        rows = db.session.scalars(
            select(LoginSession).where(LoginSession.user_id == user_id).order_by(LoginSession.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def test_a_copied_session_cookie_dies_with_log_out(app, make_user) -> None:
    user = make_user()
    browser, thief = app.test_client(), app.test_client()
    _log_in(browser, user.email)
    _copy_cookies(browser, thief)
    assert _is_logged_in(thief)

    browser.submit("/logout", {}, page="/")
    assert not _is_logged_in(browser)
    assert not _is_logged_in(thief)
    assert thief.get("/account").status_code == 302
    assert _sessions(app, user.id) == []


def test_a_copied_remember_me_cookie_dies_with_log_out(app, make_user) -> None:
    user = make_user()
    browser = app.test_client()
    _log_in(browser, user.email, remember=True)
    remember = browser.get_cookie("meetup_remember")
    assert remember is not None
    browser.submit("/logout", {}, page="/")

    thief = app.test_client()  # no session cookie: only the remembered one
    thief.set_cookie("meetup_remember", remember.value)
    assert not _is_logged_in(thief)


def test_a_remember_me_cookie_restores_a_live_session(app, make_user) -> None:
    user = make_user()
    browser = app.test_client()
    _log_in(browser, user.email, remember=True)
    remember = browser.get_cookie("meetup_remember")
    restarted = app.test_client()  # the browser after a restart: session cookie gone
    restarted.set_cookie("meetup_remember", remember.value)
    assert _is_logged_in(restarted)


def test_the_account_lists_sessions_and_ends_one(app, make_user) -> None:
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    _log_in(laptop, user.email, agent=FIREFOX)
    _log_in(phone, user.email, agent=SAFARI_IPHONE)

    page = laptop.get("/account/sessions")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Firefox on Linux" in html and "Safari on iPhone" in html
    assert html.count("this browser") == 1

    phone_session = next(s for s in _sessions(app, user.id) if s.label == "Safari on iPhone")
    response = laptop.submit(
        f"/account/sessions/{phone_session.id}/end", {}, page="/account/sessions"
    )
    assert response.status_code == 303
    assert not _is_logged_in(phone)
    assert _is_logged_in(laptop)


def test_nobody_ends_another_persons_session(app, make_user) -> None:
    owner, other = make_user(), make_user()
    owner_client, other_client = app.test_client(), app.test_client()
    _log_in(owner_client, owner.email)
    _log_in(other_client, other.email)
    owner_session = _sessions(app, owner.id)[0]
    response = other_client.submit(
        f"/account/sessions/{owner_session.id}/end", {}, page="/account/sessions"
    )
    assert response.status_code == 404  # another person's session: not theirs to know of
    assert _is_logged_in(owner_client)


def test_log_out_everywhere_else(app, make_user) -> None:
    user = make_user()
    clients = [app.test_client() for _ in range(3)]
    for client in clients:
        _log_in(client, user.email)
    response = clients[0].submit("/account/sessions/end-others", {}, page="/account/sessions")
    assert response.status_code == 303
    assert "2 other sessions logged out." in clients[0].get("/").get_data(as_text=True)
    assert [_is_logged_in(client) for client in clients] == [True, False, False]


def test_a_password_change_keeps_this_session_only(app, make_user) -> None:
    user = make_user()
    here, there = app.test_client(), app.test_client()
    _log_in(here, user.email)
    _log_in(there, user.email)
    response = here.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "another long passphrase"},
    )
    assert response.status_code == 303
    assert _is_logged_in(here)
    assert not _is_logged_in(there)
    assert len(_sessions(app, user.id)) == 1


def test_last_seen_is_written_at_most_once_in_five_minutes(app, make_user, count_queries) -> None:
    user = make_user()
    client = app.test_client()
    _log_in(client, user.email)
    with count_queries() as fresh:
        client.get("/")
    assert not [s for s in fresh.statements if s.startswith("UPDATE login_session")]

    long_ago = utcnow() - timedelta(minutes=6)
    with app.app_context():
        db.session.execute(update(LoginSession).values(last_seen_at=long_ago))
        db.session.commit()
    with count_queries() as due:
        assert _is_logged_in(client)
    assert len([s for s in due.statements if s.startswith("UPDATE login_session")]) == 1
    assert _sessions(app, user.id)[0].last_seen_at > long_ago + timedelta(minutes=5)
    with count_queries() as after:
        client.get("/")
    assert not [s for s in after.statements if s.startswith("UPDATE login_session")]


def test_a_session_idle_for_a_month_ends(app, make_user) -> None:
    user = make_user()
    client = app.test_client()
    _log_in(client, user.email)
    with app.app_context():
        db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(days=31)))
        db.session.commit()
    assert not _is_logged_in(client)


def test_per_account_limits_count_the_account_not_the_session(app, make_user) -> None:
    user = make_user()
    first, second = app.test_client(), app.test_client()
    _log_in(first, user.email)
    _log_in(second, user.email)
    wrong = {"current_password": "not the password", "new_password": "whatever long enough"}
    statuses = [
        (first if attempt % 2 else second).submit("/account/password", wrong).status_code
        for attempt in range(11)
    ]
    assert statuses == [422] * 10 + [429]


def test_browser_labels() -> None:
    assert describe_user_agent(FIREFOX) == "Firefox on Linux"
    assert describe_user_agent(SAFARI_IPHONE) == "Safari on iPhone"
    assert (
        describe_user_agent(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
        )
        == "Edge on Windows"
    )
    assert (
        describe_user_agent(
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36"
        )
        == "Chrome on Android"
    )
    assert describe_user_agent("") == "An unknown browser"
    assert describe_user_agent("\x00" * 5000) == "An unknown browser"
