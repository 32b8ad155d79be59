"""Forgot password: same answer for every address, a single-use expiring link."""

from __future__ import annotations

from datetime import timedelta

from meetup.services.accounts import credentials

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a fresh new passphrase"


def test_reset_link_sets_a_new_password_and_ends_other_sessions(
    app, client, auth, make_user, outbox
) -> None:
    user = make_user()
    elsewhere = app.test_client()
    elsewhere.submit("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})

    response = client.submit("/password/forgot", {"email": user.email.upper()})
    assert response.status_code == 303
    message = outbox.last(user.email)
    assert message.template == "reset_password"
    link = outbox.link(user.email)

    assert client.get(link).status_code == 200
    response = client.submit(link, {"new_password": NEW_PASSWORD})
    assert response.status_code == 303
    assert "Log out" in client.get("/").get_data(as_text=True)  # logged in here
    assert "Log out" not in elsewhere.get("/").get_data(as_text=True)  # and nowhere else

    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 422
    assert auth.login(user.email, NEW_PASSWORD).status_code == 303

    # Single use: the password changed, so the link is dead.
    auth.logout()
    response = client.get(link, follow_redirects=True)
    assert "This link has already been used" in response.get_data(as_text=True)


def test_the_answer_is_the_same_for_unknown_addresses(client, make_user, outbox) -> None:
    user = make_user()
    known = client.submit("/password/forgot", {"email": user.email}, follow_redirects=True)
    unknown = client.submit(
        "/password/forgot", {"email": "nobody@example.org"}, follow_redirects=True
    )
    message = "If an account uses that address, we have sent it a link"
    assert message in known.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert known.status_code == unknown.status_code == 200
    assert outbox.messages("nobody@example.org") == []


def test_expired_reset_links_are_refused(app, client, make_user, outbox, monkeypatch) -> None:
    user = make_user()
    client.submit("/password/forgot", {"email": user.email})
    monkeypatch.setattr(credentials, "RESET_PASSWORD_VALID_FOR", timedelta(seconds=-1))
    response = client.get(outbox.link(user.email), follow_redirects=True)
    assert "This link has expired" in response.get_data(as_text=True)


def test_bad_new_password_is_answered_at_the_field(client, make_user, outbox) -> None:
    user = make_user()
    client.submit("/password/forgot", {"email": user.email})
    response = client.submit(outbox.link(user.email), {"new_password": "short"})
    assert response.status_code == 422
    assert 'id="new_password-error">Use at least 10 characters.' in response.get_data(as_text=True)


def test_forgot_password_is_rate_limited(app, client, make_user) -> None:
    user = make_user()
    statuses = [
        client.submit("/password/forgot", {"email": user.email}).status_code for _ in range(4)
    ]
    assert statuses == [303, 303, 303, 429]


def test_deleted_accounts_get_no_reset_mail(app, client, auth, make_user, outbox) -> None:
    user = make_user()
    auth.login(user.email)
    client.submit("/account/delete", {"password": PASSWORD})
    client.submit("/password/forgot", {"email": user.email})
    assert [m.template for m in outbox.messages(user.email)] == []
