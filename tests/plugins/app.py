"""The app under test: its settings, a test client that fills in the CSRF token
like a browser, and signing people in (the `auth` fixture, or `sign_in`)."""

from __future__ import annotations

import os
import re
from typing import Any

import flask
import pytest
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf
from werkzeug.test import TestResponse

from meetup.extensions import db
from meetup.models import User
from meetup.services.accounts import sessions

POSTGRES_URL = os.environ.get("MEETUP_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
IN_CI = os.environ.get("CI", "").lower() == "true"

DEFAULT_PASSWORD = "correct horse battery"
# Hashing is the slowest thing a test does; one round of PBKDF2 keeps it honest
# (a real hash, really checked) without the cost. Production keeps scrypt.
CHEAP_PASSWORD_HASH = "pbkdf2:sha256:1"


def app_settings(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Settings for an app under test; keyword arguments override them."""
    return {
        "TESTING": True,
        "ENV": "development",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "BASE_URL": "http://localhost",
        "RATELIMIT_STORAGE_URL": "memory://",
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_HASH,
        **overrides,
    }


class Client(FlaskClient):
    """A test client that fills in the CSRF token like a browser would.

    A browser posts the token its page carried, which Flask-WTF signed from
    the one kept in the session. This client signs that same session token
    itself, once per session, instead of fetching a page before every POST:
    the session cookie is read before each submit, so a session the server
    cleared (logging out) or replaced gets a new token, as in a browser.
    """

    _token: tuple[str, str] | None = None  # (the session's token, its signed form)

    def csrf_token(self, page: str | None = None) -> str:
        """The token to post: the one on `page` if given (fetched and read
        from its form), otherwise the one for the current session."""
        if page is not None:
            html = self.get(page).get_data(as_text=True)
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
            assert match, f"no CSRF token on {page}"
            return match.group(1)
        field = self.application.config["WTF_CSRF_FIELD_NAME"]
        with self.session_transaction() as session:
            if self._token is None or session.get(field) != self._token[0]:
                # What the page's form would do: reuse the session's token,
                # or start one there, and sign it.
                with self.application.test_request_context():
                    if field in session:
                        flask.session[field] = session[field]
                    signed = generate_csrf()
                    self._token = (flask.session[field], signed)
                session[field] = self._token[0]
        return self._token[1]

    def submit(
        self, url: str, data: dict[str, Any], *, page: str | None = None, **kwargs: Any
    ) -> TestResponse:
        """POST `data` to `url` with the session's CSRF token. `page` (the page
        the form is on) is accepted for readability; nothing fetches it."""
        return self.post(url, data={"csrf_token": self.csrf_token(), **data}, **kwargs)


def sign_in(client: FlaskClient, user: User) -> None:
    """Open a session for `user` directly, without the rate-limited log-in form
    (tests that need many signed-in clients at once)."""
    with client.application.app_context():
        token = sessions.start_session(db.session.get(User, user.id), user_agent="test")
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


class AuthActions:
    def __init__(self, client: Client) -> None:
        self.client = client

    def signup(
        self,
        email: str = "new@example.org",
        display_name: str = "New Person",
        password: str = DEFAULT_PASSWORD,
    ) -> TestResponse:
        return self.client.submit(
            "/signup", {"email": email, "display_name": display_name, "password": password}
        )

    def login(
        self, email: str, password: str = DEFAULT_PASSWORD, *, remember: bool = False
    ) -> TestResponse:
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.submit("/login", data)

    def logout(self) -> TestResponse:
        return self.client.submit("/logout", {})


@pytest.fixture
def auth(client: Client) -> AuthActions:
    return AuthActions(client)
