"""The app for race tests: each test gets a database whose commits every
thread sees, on SQLite (a fresh file) and on PostgreSQL (committed_postgres_app;
skipped, and a CI failure, when PostgreSQL is not configured)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from meetup import create_app
from meetup.extensions import db
from tests.plugins.app import Client, app_settings


@pytest.fixture(params=["sqlite", "postgresql"])
def racing_app(request: pytest.FixtureRequest, fresh_sqlite_url) -> Iterator[Flask]:
    if request.param == "postgresql":
        yield request.getfixturevalue("committed_postgres_app")
        return
    app = create_app(app_settings(fresh_sqlite_url("race.sqlite3")))
    app.test_client_class = Client
    yield app
    with app.app_context():
        db.engine.dispose()
