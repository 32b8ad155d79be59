"""The application factory, its settings and the security defaults of every page."""

from __future__ import annotations

import os

import pytest
from flask import Flask

from meetup import create_app
from meetup.config import ConfigError


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No MEETUP_* variables from the shell running the tests."""
    for name in list(os.environ):
        if name.startswith("MEETUP_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_mapping_overrides_environment(bare_env: pytest.MonkeyPatch, make_app) -> None:
    bare_env.setenv("MEETUP_BASE_URL", "https://from-env.example")
    app = make_app(BASE_URL="https://override.example/")
    assert app.config["BASE_URL"] == "https://override.example"


def test_environment_configures_the_app(bare_env: pytest.MonkeyPatch, tmp_path) -> None:
    bare_env.setenv("MEETUP_SECRET_KEY", "12345")  # digits: must stay a string
    bare_env.setenv("MEETUP_DATABASE_URL", "postgresql://u:p@db.example:5432/meetup")
    bare_env.setenv("MEETUP_BASE_URL", "https://events.example.org")
    bare_env.setenv("MEETUP_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/3")
    app = create_app()
    assert app.config["SECRET_KEY"] == "12345"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u:p@db.example:5432/meetup"
    )
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        ({}, "MEETUP_SECRET_KEY and MEETUP_DATABASE_URL"),
        ({"MEETUP_SECRET_KEY": "s3cret"}, "MEETUP_DATABASE_URL"),
        ({"MEETUP_DATABASE_URL": "postgresql://db/meetup"}, "MEETUP_SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_secrets(
    bare_env: pytest.MonkeyPatch, settings: dict[str, str], missing: str
) -> None:
    bare_env.setenv("MEETUP_ENV", "production")
    for name, value in settings.items():
        bare_env.setenv(name, value)
    with pytest.raises(ConfigError, match=f"needs {missing} to be set"):
        create_app()


def test_embedded_default_keeps_database_and_secret_in_instance_folder(
    bare_env: pytest.MonkeyPatch, tmp_path
) -> None:
    def make() -> Flask:
        app = Flask("meetup_instance_check", instance_path=str(tmp_path / "instance"))
        from meetup.config import load_config

        load_config(app)
        return app

    first, second = make(), make()
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 64
    assert first.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'instance' / 'meetup.sqlite3'}"
    )
    assert first.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert first.config["SESSION_COOKIE_SECURE"] is False


def test_home_page_and_static_files_are_served(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Meet the people who move your career forward" in page.get_data(as_text=True)
    stylesheet = client.get("/static/css/app.css")
    assert stylesheet.status_code == 200
    assert stylesheet.mimetype == "text/css"
    stylesheet.close()


def test_every_page_sends_security_headers(client) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_pages_have_no_inline_script_or_style(client) -> None:
    for url in ("/", "/login", "/signup", "/does-not-exist"):
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html
        assert "<style" not in html
        assert " style=" not in html


def test_https_base_url_makes_cookies_secure_and_sends_hsts(make_app) -> None:
    app = make_app(BASE_URL="https://meetup.example")
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user, auth) -> None:
    user = make_user()
    response = auth.login(user.email)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if "meetup_session" in h)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
