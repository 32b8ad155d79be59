"""An account cannot be taken over through a pending email change, a reset
link or a respelled address (issue: accounts that cannot be taken over)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import User

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _is_logged_in(client) -> bool:
    return "Log out" in client.get("/").get_data(as_text=True)


def _log_in(client, email: str, password: str = PASSWORD) -> None:
    response = client.submit("/login", {"email": email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)


def test_a_password_change_kills_an_attackers_pending_email_change(app, make_user, outbox) -> None:
    owner = make_user(email="ada@example.org")
    attacker, victim = app.test_client(), app.test_client()
    # The attacker knows the password and asks to move the account to their address.
    _log_in(attacker, "ada@example.org")
    response = attacker.submit(
        "/account/email", {"new_email": "mallory@evil.example", "current_password": PASSWORD}
    )
    assert response.status_code == 303
    confirm_link = outbox.link("mallory@evil.example")
    # The owner is told at once, with a way to cancel.
    notice = outbox.last("ada@example.org")
    assert notice.template == "cancel_email_change"
    assert notice.context["new_email"] == "mallory@evil.example"

    # The owner changes the password: the attacker's session ends...
    _log_in(victim, "ada@example.org")
    response = victim.submit(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert not _is_logged_in(attacker)
    # ...and so does the pending change: the link is dead.
    page = attacker.get(confirm_link, follow_redirects=True).get_data(as_text=True)
    assert "no longer valid" in page
    assert _user(app, owner.id).email == "ada@example.org"
    assert _user(app, owner.id).pending_email is None
    # A reset still goes to the owner.
    attacker.submit("/password/forgot", {"email": "mallory@evil.example"})
    assert outbox.last("mallory@evil.example").template == "confirm_email_change"


def test_a_password_reset_kills_a_pending_email_change(app, client, make_user, outbox) -> None:
    owner = make_user(email="ada@example.org")
    attacker = app.test_client()
    _log_in(attacker, "ada@example.org")
    attacker.submit(
        "/account/email", {"new_email": "mallory@evil.example", "current_password": PASSWORD}
    )
    confirm_link = outbox.link("mallory@evil.example")

    client.submit("/password/forgot", {"email": "ada@example.org"})
    reset_link = outbox.link("ada@example.org")
    assert client.submit(reset_link, {"new_password": NEW_PASSWORD}).status_code == 303

    attacker.get(confirm_link)
    assert _user(app, owner.id).email == "ada@example.org"
    assert not _is_logged_in(attacker)


def test_an_email_change_kills_reset_links_sent_to_the_old_address(
    app, client, make_user, outbox
) -> None:
    owner = make_user(email="old@example.org")
    anonymous = app.test_client()
    anonymous.submit("/password/forgot", {"email": "old@example.org"})
    reset_link = outbox.link("old@example.org")

    _log_in(client, "old@example.org")
    client.submit("/account/email", {"new_email": "new@example.org", "current_password": PASSWORD})
    client.get(outbox.link("new@example.org"))
    assert _user(app, owner.id).email == "new@example.org"

    response = anonymous.get(reset_link, follow_redirects=True)
    assert "no longer valid" in response.get_data(as_text=True)
    response = anonymous.post(reset_link, data={"new_password": NEW_PASSWORD})
    assert response.status_code == 303  # back to "forgot password", nothing changed
    assert _log_in(anonymous, "new@example.org") is None  # the password is unchanged


def test_only_the_latest_email_change_request_counts(app, client, make_user, outbox) -> None:
    owner = make_user(email="ada@example.org")
    _log_in(client, "ada@example.org")
    for address in ("first@example.org", "second@example.org"):
        client.submit("/account/email", {"new_email": address, "current_password": PASSWORD})
    client.get(outbox.link("first@example.org"))
    assert _user(app, owner.id).email == "ada@example.org"
    client.get(outbox.link("second@example.org"))
    assert _user(app, owner.id).email == "second@example.org"
    # Once used, the link is spent.
    page = client.get(outbox.link("second@example.org"), follow_redirects=True)
    assert "no longer valid" in page.get_data(as_text=True)


def test_the_old_address_cancels_the_change_and_every_session(
    app, client, make_user, outbox
) -> None:
    owner = make_user(email="ada@example.org")
    attacker = app.test_client()
    _log_in(attacker, "ada@example.org")
    _log_in(client, "ada@example.org")
    attacker.submit(
        "/account/email", {"new_email": "mallory@evil.example", "current_password": PASSWORD}
    )
    confirm_link = outbox.link("mallory@evil.example")
    cancel_link = outbox.link("ada@example.org")

    reader = app.test_client()  # the owner's mail app, anywhere
    page = reader.get(cancel_link)
    assert page.status_code == 200
    assert "mallory@evil.example" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert _user(app, owner.id).pending_email == "mallory@evil.example"  # a GET changes nothing

    response = reader.submit(cancel_link, {})
    assert response.status_code == 303
    assert _user(app, owner.id).pending_email is None
    assert not _is_logged_in(attacker)
    assert not _is_logged_in(client)
    attacker.get(confirm_link)
    assert _user(app, owner.id).email == "ada@example.org"
    # Spent: a second use says so.
    page = reader.get(cancel_link, follow_redirects=True).get_data(as_text=True)
    assert "no pending change of address" in page


def test_the_cancel_link_needs_its_csrf_token(app, make_user, outbox) -> None:
    owner = make_user(email="ada@example.org")
    client = app.test_client()
    _log_in(client, "ada@example.org")
    client.submit("/account/email", {"new_email": "x@example.org", "current_password": PASSWORD})
    response = app.test_client().post(outbox.link("ada@example.org"))
    assert response.status_code == 400
    assert _user(app, owner.id).pending_email == "x@example.org"


def test_the_account_page_shows_and_cancels_a_pending_change(
    app, client, make_user, outbox
) -> None:
    owner = make_user(email="ada@example.org")
    _log_in(client, "ada@example.org")
    client.submit("/account/email", {"new_email": "x@example.org", "current_password": PASSWORD})
    assert "To x@example.org, once that address confirms it." in client.get("/account").get_data(
        as_text=True
    )
    assert client.submit("/account/email/cancel", {}, page="/account").status_code == 303
    assert _user(app, owner.id).pending_email is None
    client.get(outbox.link("x@example.org"))
    assert _user(app, owner.id).email == "ada@example.org"


SPELLINGS = [
    "ada@example.org",
    "ADA@example.org",
    " Ada@Example.ORG ",
    "ada@ｅxample.org",  # a fullwidth letter, folded by the address normaliser
    "ada@EXAMPLE.org",
    "ADA@ＥＸＡＭＰＬＥ.ORG",
]


def test_every_spelling_of_an_address_shares_one_login_counter(app, make_user) -> None:
    make_user(email="ada@example.org")
    statuses = []
    for spelling in SPELLINGS:
        client = app.test_client()  # a fresh client each: no cookies help either
        response = client.submit("/login", {"email": spelling, "password": "wrong guess"})
        statuses.append(response.status_code)
    assert statuses == [422] * 5 + [429]


def test_the_right_spelling_logs_in(app, make_user) -> None:
    make_user(email="ada@example.org")
    client = app.test_client()
    _log_in(client, "ada@ｅxample.org")
    assert _is_logged_in(client)


def test_every_spelling_of_an_address_shares_one_reset_counter(app, make_user, outbox) -> None:
    make_user(email="ada@example.org")
    statuses = [
        app.test_client().submit("/password/forgot", {"email": spelling}).status_code
        for spelling in SPELLINGS[:4]
    ]
    assert statuses == [303, 303, 303, 429]
    assert len(outbox.messages("ada@example.org")) == 3


@pytest.mark.parametrize("existing", [True, False])
def test_sign_up_answers_the_same_for_an_existing_address(
    app, make_user, outbox, existing: bool
) -> None:
    if existing:
        make_user(email="ada@example.org", display_name="Ada Lovelace")
    client = app.test_client()
    response = client.submit(
        "/signup",
        {"email": "ADA@example.org", "display_name": "Someone", "password": PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "We sent a message to ada@example.org: follow its link to confirm" in page
    assert not _is_logged_in(client)
    with app.app_context():
        users = db.session.scalars(select(User).where(User.email == "ada@example.org")).all()
        assert len(users) == 1
        assert users[0].display_name == ("Ada Lovelace" if existing else "Someone")
    message = outbox.last("ada@example.org")
    if existing:
        # Only the address's owner learns an account exists, with ways back in.
        assert message.template == "account_exists"
        assert message.context["login_url"] == "http://localhost/login"
        assert message.context["reset_url"] == "http://localhost/password/forgot"
    else:
        assert message.template == "verify_email"


def test_sign_up_mail_to_one_address_is_rate_limited(app, make_user, outbox) -> None:
    make_user(email="ada@example.org")
    statuses = [
        app.test_client()
        .submit("/signup", {"email": spelling, "display_name": "X", "password": PASSWORD})
        .status_code
        for spelling in SPELLINGS[:4]
    ]
    assert statuses == [303, 303, 303, 429]
    assert len(outbox.messages("ada@example.org")) == 3
