"""Settings, read from MEETUP_* environment variables.

With nothing set the app runs on an embedded default: SQLite and a generated
secret key, both kept in the instance folder. `create_app(config)` applies a
mapping after the environment, so tests and scripts can override anything.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": None,
    "DATABASE_URL": None,
    "BASE_URL": "http://127.0.0.1:5000",
    "RATELIMIT_STORAGE_URL": "memory://",
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers
    # are trusted; rate limits per IP need the client's address, not the proxy's.
    "PROXY_COUNT": 0,
    # werkzeug's default (scrypt). Tests make it cheap; production never should.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Mail: with no SMTP URL, the worker prints messages (or writes .eml files
    # to MAIL_DIR) instead of sending them.
    "SMTP_URL": None,
    "SMTP_TIMEOUT": 30,
    "MAIL_DIR": None,
    "MAIL_FROM": "Meetup <noreply@localhost>",
    # "Add to calendar" links: each service's page for a new event.
    "GOOGLE_CALENDAR_URL": "https://calendar.google.com/calendar/render",
    # Outlook on the web moved to outlook.cloud.microsoft in 2026.
    "OUTLOOK_CALENDAR_URL": "https://outlook.cloud.microsoft/calendar/deeplink/compose",
    # `flask meetup send-reminders` emails people going this many hours ahead.
    "REMINDER_HOURS": 24,
    # `flask meetup send-followups`: empty, each person's follow-up is due at
    # 09:00 the morning after the event in their zone; a duration ("2h",
    # "30m", "1d") makes it due that long after the end instead. Events that
    # ended longer than FOLLOWUP_MAX_AGE ago get none (a first run after a
    # deploy does not mail every past event).
    "FOLLOWUP_DELAY": "",
    "FOLLOWUP_MAX_AGE": "7d",
    # Requests with a bigger body are refused (413) before it is read; no form
    # here needs more. Each text field of a form is held to MAX_FORM_MEMORY_SIZE.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 500_000,
}

SECRET_KEY_FILE = "secret_key"
SQLITE_FILE = "meetup.sqlite3"


class ConfigError(RuntimeError):
    """The settings cannot run the app; the message says what to set."""


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill app.config from defaults, MEETUP_* variables, then `overrides`."""
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("MEETUP")
    if overrides:
        app.config.update(overrides)
    config = app.config

    if config["ENV"] == "production":
        missing = [
            f"MEETUP_{name}" for name in ("SECRET_KEY", "DATABASE_URL") if not config.get(name)
        ]
        if missing:
            raise ConfigError(
                f"MEETUP_ENV=production needs {' and '.join(missing)} to be set; "
                "see the Configuration section of README.md."
            )

    instance_path = Path(app.instance_path)
    if config["SECRET_KEY"]:
        config["SECRET_KEY"] = str(config["SECRET_KEY"])
    else:
        config["SECRET_KEY"] = instance_secret_key(instance_path)
    config["SQLALCHEMY_DATABASE_URI"] = database_uri(config["DATABASE_URL"], instance_path)
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    config["RATELIMIT_STORAGE_URI"] = str(config["RATELIMIT_STORAGE_URL"])
    config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    config.setdefault("RATELIMIT_KEY_PREFIX", "meetup")

    from_name, from_address = parseaddr(str(config["MAIL_FROM"]))
    if "@" not in from_address:
        raise ConfigError(
            f"MEETUP_MAIL_FROM must hold an email address, not {config['MAIL_FROM']!r}."
        )
    config["MAIL_FROM_NAME"] = from_name or "Meetup"
    config["MAIL_FROM_ADDRESS"] = from_address

    delay = config["FOLLOWUP_DELAY"] or None
    config["FOLLOWUP_DELAY"] = delay and parse_duration(delay, name="MEETUP_FOLLOWUP_DELAY")
    config["FOLLOWUP_MAX_AGE"] = parse_duration(
        config["FOLLOWUP_MAX_AGE"], name="MEETUP_FOLLOWUP_MAX_AGE"
    )

    base_url = str(config["BASE_URL"]).rstrip("/")
    config["BASE_URL"] = base_url
    secure = base_url.startswith("https://")
    config.update(
        PREFERRED_URL_SCHEME="https" if secure else "http",
        SESSION_COOKIE_NAME="meetup_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_NAME="meetup_remember",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_DURATION=timedelta(days=30),
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        # CSRF is checked by meetup.security: in the form for form views (so the
        # form comes back with a message), before the view for everything else.
        WTF_CSRF_CHECK_DEFAULT=False,
    )


_DURATION = re.compile(r"(\d+)\s*([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str | timedelta, *, name: str) -> timedelta:
    """A duration written "30m", "2h" or "1d" (a timedelta passes through).

    :raise ConfigError: anything else, naming the setting `name`.
    """
    if isinstance(text, timedelta):
        return text
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise ConfigError(f"{name} must be a duration such as 30m, 2h or 1d, not {text!r}.")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def database_uri(url: str | None, instance_path: Path) -> str:
    """Return the SQLAlchemy URL for `url`, or the embedded SQLite database."""
    if not url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / SQLITE_FILE}"
    return normalize_database_url(str(url))


def normalize_database_url(url: str) -> str:
    """Send PostgreSQL through psycopg 3, whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance_path: Path) -> str:
    """Return the key kept in the instance folder, creating it on first use.

    Several workers may start at once: the key is written to a private temporary
    file and linked into place, so every process reads the same complete key.
    """
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / SECRET_KEY_FILE
    if not key_file.exists():
        temporary = instance_path / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass  # another process won the race; its key is the one
        finally:
            temporary.unlink()
    return key_file.read_text().strip()
