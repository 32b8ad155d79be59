"""Accounts end to end: sign up, log in, log out, change password and email."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import User

PASSWORD = "correct horse battery"


def _user(app, email: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _is_logged_in(client) -> bool:
    return "Log out" in client.get("/").get_data(as_text=True)


def test_sign_up_creates_account_and_asks_to_confirm(app, client, auth) -> None:
    response = auth.signup(email="  Grace.Hopper@Example.ORG ", display_name=" Grace   Hopper ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    user = _user(app, "grace.hopper@example.org")
    assert user is not None
    assert user.display_name == "Grace Hopper"
    assert user.password_hash.startswith("pbkdf2:")  # hashed, never stored as given
    assert PASSWORD not in user.password_hash
    page = client.get("/login").get_data(as_text=True)
    assert "We sent a message to grace.hopper@example.org" in page
    assert not user.is_verified
    assert client.get("/").status_code == 200 and not _is_logged_in(client)


def test_email_is_unique_case_insensitively(app, auth, make_user) -> None:
    make_user(email="ada@example.org")
    auth.signup(email="ADA@Example.org", display_name="Impostor")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert _user(app, "ada@example.org").display_name != "Impostor"


def test_log_in_and_log_out(client, auth, make_user) -> None:
    user = make_user(email="lin@example.org")
    response = auth.login("LIN@example.org")
    assert response.status_code == 303
    assert _is_logged_in(client)
    assert client.get("/account").status_code == 200

    response = auth.logout()
    assert response.status_code == 303
    assert not _is_logged_in(client)
    assert client.get("/account").status_code == 302
    assert user.last_login_at is None  # the factory's copy predates the login


def test_log_in_records_the_time(app, auth, make_user) -> None:
    user = make_user()
    auth.login(user.email)
    assert _user(app, user.email).last_login_at is not None


def test_log_out_needs_post(client, auth, make_user) -> None:
    auth.login(make_user().email)
    assert client.get("/logout").status_code == 405
    assert _is_logged_in(client)


def test_log_out_without_csrf_token_is_refused(client, auth, make_user) -> None:
    auth.login(make_user().email)
    response = client.post("/logout")
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert _is_logged_in(client)


def test_wrong_password_and_unknown_email_get_the_same_answer(auth, make_user) -> None:
    user = make_user()
    wrong_password = auth.login(user.email, "not the password")
    unknown_email = auth.login("nobody@example.org", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "The email address or password is incorrect."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)


def test_login_keeps_the_typed_email(auth, make_user) -> None:
    response = auth.login("typed@example.org", "wrong password")
    assert 'value="typed@example.org"' in response.get_data(as_text=True)


def test_anonymous_visitor_is_sent_to_log_in_and_back(client, auth, make_user) -> None:
    user = make_user()
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount%2Fpassword"
    response = client.submit(
        "/login?next=%2Faccount%2Fpassword", {"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/password"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "evil.example",
    ],
)
def test_next_redirects_only_to_local_paths(client, make_user, target: str) -> None:
    user = make_user()
    response = client.post(
        "/login?" + "next=" + target.replace("\t", "%09").replace("\\", "%5C"),
        data={
            "csrf_token": client.csrf_token("/login"),
            "email": user.email,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_remember_me_keeps_the_login_after_the_browser_session(client, auth, make_user) -> None:
    user = make_user()
    response = auth.login(user.email, remember=True)
    remember = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("meetup_remember=")
    )
    assert "HttpOnly" in remember and "SameSite=Lax" in remember and "Expires=" in remember
    client.delete_cookie("meetup_session")  # the browser was closed
    assert _is_logged_in(client)


def test_without_remember_me_closing_the_browser_logs_out(client, auth, make_user) -> None:
    auth.login(make_user().email)
    assert client.get_cookie("meetup_remember") is None
    client.delete_cookie("meetup_session")
    assert not _is_logged_in(client)


def test_change_password(app, client, auth, make_user) -> None:
    user = make_user()
    auth.login(user.email)
    response = client.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 303
    assert _is_logged_in(client)  # this session goes on
    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 422
    assert auth.login(user.email, "a brand new passphrase").status_code == 303


def test_change_password_logs_out_every_other_session(app, make_user) -> None:
    user = make_user()
    phone, laptop, remembered = app.test_client(), app.test_client(), app.test_client()
    for client in (phone, laptop, remembered):
        client.submit(
            "/login",
            {"email": user.email, "password": PASSWORD, "remember": "y"},
        )
    remembered.delete_cookie("meetup_session")  # only the remember-me cookie left
    assert all(_is_logged_in(client) for client in (phone, laptop, remembered))

    laptop.submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert _is_logged_in(laptop)
    assert not _is_logged_in(phone)
    assert not _is_logged_in(remembered)


def test_change_password_needs_the_current_one(client, auth, make_user) -> None:
    auth.login(make_user().email)
    response = client.submit(
        "/account/password",
        {"current_password": "wrong one entirely", "new_password": "a brand new passphrase"},
    )
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)


def test_change_email_waits_for_the_new_address_to_confirm(
    app, client, auth, make_user, outbox
) -> None:
    user = make_user(email="old@example.org")
    auth.login(user.email)
    response = client.submit(
        "/account/email", {"new_email": "New@Example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    assert "We sent a link to new@example.org." in page
    assert _user(app, "old@example.org") is not None  # nothing changed yet

    message = outbox.last("new@example.org")
    assert message.template == "confirm_email_change"
    response = client.get(outbox.link("new@example.org"))
    assert response.status_code == 302
    assert "Your email address is now new@example.org." in client.get("/account").get_data(
        as_text=True
    )
    assert outbox.last("old@example.org").template == "email_changed"
    auth.logout()
    assert auth.login("old@example.org").status_code == 422
    assert auth.login("new@example.org").status_code == 303
    # The link works once.
    client.get(outbox.link("new@example.org"))
    assert _user(app, "new@example.org") is not None


def test_email_change_link_fails_if_the_address_was_taken_meanwhile(
    app, client, auth, make_user, outbox
) -> None:
    user = make_user()
    auth.login(user.email)
    client.submit(
        "/account/email", {"new_email": "wanted@example.org", "current_password": PASSWORD}
    )
    make_user(email="wanted@example.org")
    client.get(outbox.link("wanted@example.org"))
    assert "Another account now uses this email address." in client.get("/account").get_data(
        as_text=True
    )
    assert _user(app, user.email) is not None


def test_change_email_to_a_taken_address_answers_as_for_a_free_one(
    app, client, auth, make_user, outbox
) -> None:
    owner = make_user(email="taken@example.org")
    user = make_user()
    auth.login(user.email)
    client.get("/account")  # shows, and so clears, the welcome message
    answers = []
    for address in ("TAKEN@example.org", "free@example.org"):
        response = client.submit(
            "/account/email", {"new_email": address, "current_password": PASSWORD}
        )
        assert response.status_code == 303
        answers.append(client.get("/account").get_data(as_text=True).replace(address.lower(), "X"))
    assert answers[0] == answers[1]
    assert _user(app, user.email) is not None  # nothing moved
    # Only the owner of the taken address learns of it, and gets no link.
    note = outbox.last(owner.email)
    assert note.template == "address_in_use"
    assert "url" not in note.context
    assert outbox.last("free@example.org").template == "confirm_email_change"


def test_logged_in_person_visiting_log_in_goes_home(client, auth, make_user) -> None:
    auth.login(make_user().email)
    assert client.get("/login").status_code == 302
    assert client.get("/signup").status_code == 302


def test_session_of_a_deleted_account_is_anonymous(app, client, auth, make_user) -> None:
    user = make_user()
    auth.login(user.email)
    with app.app_context():
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
    assert not _is_logged_in(client)


@pytest.mark.parametrize("session_id", ["", "abc", "1", "1:", ":1", "1:x", "99999:1"])
def test_forged_session_ids_load_no_one(app, session_id: str) -> None:
    from meetup.services.accounts.sessions import load_session_user

    with app.app_context():
        assert load_session_user(session_id) is None
