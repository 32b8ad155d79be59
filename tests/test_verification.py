"""Email verification at sign-up: a signed, expiring link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.errors import PermissionDenied
from meetup.models import User
from meetup.services.accounts import credentials


def _user(app, email: str) -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_sign_up_mails_a_link_that_confirms_the_address(app, client, auth, outbox) -> None:
    auth.signup(email="new@example.org")
    auth.login("new@example.org")
    assert not _user(app, "new@example.org").is_verified
    assert "Please confirm your email address" in client.get("/").get_data(as_text=True)
    message = outbox.last("new@example.org")
    assert message.template == "verify_email"
    assert message.subject == "Confirm your email address"
    assert message.context["url"].startswith("http://localhost/verify-email/")

    response = client.get(outbox.link("new@example.org"))
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Thank you: new@example.org is confirmed." in home
    assert "Please confirm your email address" not in home
    assert _user(app, "new@example.org").is_verified


def test_the_link_works_without_being_logged_in_and_asks_to_log_in(
    app, client, auth, outbox
) -> None:
    auth.signup(email="new@example.org")
    response = client.get(outbox.link("new@example.org"))
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "new@example.org is confirmed. Log in to continue." in page
    assert "Log out" not in page  # the link proves the address, not the password
    assert _user(app, "new@example.org").is_verified


@pytest.mark.parametrize("tamper", ["x", "", ".."])
def test_forged_links_are_refused(app, client, auth, outbox, tamper: str) -> None:
    auth.signup(email="new@example.org")
    link = outbox.link("new@example.org")
    response = client.get(link[:-3] + tamper + "abc", follow_redirects=True)
    assert "This link is not valid" in response.get_data(as_text=True)
    assert not _user(app, "new@example.org").is_verified


def test_expired_links_are_refused(app, client, auth, outbox, monkeypatch) -> None:
    auth.signup(email="new@example.org")
    link = outbox.link("new@example.org")
    monkeypatch.setattr(credentials, "VERIFY_EMAIL_VALID_FOR", timedelta(seconds=-1))
    response = client.get(link, follow_redirects=True)
    assert "This link has expired. Ask for a new one." in response.get_data(as_text=True)
    assert not _user(app, "new@example.org").is_verified


def test_a_link_for_a_previous_address_is_refused(app, client, auth, outbox) -> None:
    auth.signup(email="first@example.org")
    link = outbox.link("first@example.org")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "first@example.org"))
        user.email = "second@example.org"
        db.session.commit()
    response = client.get(link, follow_redirects=True)
    assert "no longer on the account" in response.get_data(as_text=True)


def test_resend_queues_a_new_link_and_is_rate_limited(app, client, auth, outbox) -> None:
    auth.signup(email="new@example.org")
    auth.login("new@example.org")
    statuses = [
        client.submit("/verify-email/resend", {"next": "/account"}, page="/").status_code
        for _ in range(4)
    ]
    assert statuses == [303, 303, 303, 429]
    assert len(outbox.messages("new@example.org")) == 4  # sign-up + 3 resends


def test_unverified_people_cannot_act_on_events(app, make_user) -> None:
    unverified, verified = make_user(verified=False), make_user()
    with pytest.raises(PermissionDenied, match="Confirm your email address first"):
        credentials.require_verified(unverified)
    credentials.require_verified(verified)


def test_unverified_people_can_edit_their_profile(client, auth, make_user) -> None:
    auth.login(make_user(verified=False).email)
    assert client.get("/profile/edit").status_code == 200
