"""Fixtures: an app per database backend, its schema built by the migrations,
and every test inside a transaction that is rolled back at its end.

The suite runs on SQLite always, and on PostgreSQL too when
MEETUP_TEST_DATABASE_URL is set (CI sets it). With CI=true a test that skips,
or a missing PostgreSQL run, fails the build: a real part left out is a gap.
"""

from __future__ import annotations

import ipaddress
import itertools
import shutil
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import flask_migrate
import pytest
from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, select
from sqlalchemy.orm import scoped_session, sessionmaker

from meetup import create_app
from meetup.config import normalize_database_url
from meetup.extensions import db, limiter
from meetup.models import Event, OutboxMessage, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events.event_details import EventDetails
from meetup.services.hosting import hosts, lifecycle

pytest.register_assert_rewrite("tests.plugins")

from tests.plugins.app import (  # noqa: E402
    BACKENDS,
    DEFAULT_PASSWORD,
    IN_CI,
    POSTGRES_URL,
    Client,
    app_settings,
)

pytest_plugins = [
    "tests.plugins.app",
    "tests.plugins.communities",
    "tests.plugins.outcomes",
    "tests.plugins.races",
    "tests.plugins.replies",
    "tests.plugins.series",
    "tests.plugins.smtp",
]

_skipped: list[str] = []


def pytest_report_header(config: pytest.Config) -> str:
    if POSTGRES_URL:
        return "database backends: sqlite, postgresql"
    return "database backends: sqlite (set MEETUP_TEST_DATABASE_URL to add PostgreSQL)"


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError(
            "CI=true needs MEETUP_TEST_DATABASE_URL: the suite must run on PostgreSQL."
        )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if IN_CI and _skipped:
        terminalreporter.write_line(
            f"CI=true: {len(_skipped)} test(s) skipped, which fails the build "
            "(a real part they need is missing).",
            red=True,
        )


def reset_postgres(url: str) -> None:
    """Empty the test database, so the migrations start from nothing."""
    engine = create_engine(normalize_database_url(url))
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def _build_app(url: str, *, migrate: bool = True) -> Flask:
    app = create_app(app_settings(url))
    app.test_client_class = Client
    if migrate:
        with app.app_context():
            flask_migrate.upgrade()
    return app


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file the migrations built, once per run: tests that need a
    file of their own get a copy (see fresh_sqlite_url)."""
    path = tmp_path_factory.mktemp("migrated") / "migrated.sqlite3"
    app = create_app(app_settings(f"sqlite:///{path}"))
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return str(path)


@pytest.fixture
def fresh_sqlite_url(_migrated_sqlite: str, tmp_path: Any) -> Callable[[str], str]:
    """Return a factory: fresh_sqlite_url(name) copies the migrated SQLite file
    to tmp_path/name and returns its URL (real commits, nothing shared)."""

    def copy(name: str = "test.sqlite3") -> str:
        path = tmp_path / name
        shutil.copyfile(_migrated_sqlite, path)
        return f"sqlite:///{path}"

    return copy


@pytest.fixture(scope="session")
def _postgres_app() -> Flask:
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL: set MEETUP_TEST_DATABASE_URL")
    reset_postgres(POSTGRES_URL)
    return _build_app(POSTGRES_URL)


@pytest.fixture(scope="session", params=BACKENDS)
def _app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    if request.param == "postgresql":
        return request.getfixturevalue("_postgres_app")
    path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
    shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), path)
    return _build_app(f"sqlite:///{path}", migrate=False)


@pytest.fixture
def committed_postgres_app(_postgres_app: Flask) -> Iterator[Flask]:
    """The PostgreSQL app without the rollback: for tests whose threads or
    processes must see each other's commits. Its tables are emptied afterwards."""
    limiter.reset()
    yield _postgres_app
    with _postgres_app.app_context():
        db.session.remove()
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The app, with everything a test writes rolled back when it ends.

    The session joins an outer transaction; its commits become SAVEPOINTs
    (SQLAlchemy's "joining a session into an external transaction" recipe).
    """
    with _app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original_session = db.session
    # A plain Session: Flask-SQLAlchemy's own picks the engine over `bind`.
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    limiter.reset()
    try:
        yield _app
    finally:
        # Each app context closed its own session on teardown.
        db.session = original_session
        transaction.rollback()
        connection.close()


@pytest.fixture
def make_app(tmp_path: Any) -> Callable[..., Flask]:
    """Return a factory for a separate app on a fresh SQLite file (not migrated),
    for tests of the factory and settings themselves."""

    def make(**overrides: Any) -> Flask:
        app = create_app(app_settings(f"sqlite:///{tmp_path / 'separate.sqlite3'}", **overrides))
        app.test_client_class = Client
        return app

    return make


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Return a factory: make_user(**overrides) creates and returns an account."""
    numbers = itertools.count(1)

    def make(*, verified: bool = True, **overrides: Any) -> User:
        number = next(numbers)
        values = {
            "email": f"person{number}@example.org",
            "display_name": f"Person {number}",
            "password": DEFAULT_PASSWORD,
            **overrides,
        }
        with app.app_context():
            user = credentials.register_user(**values)
            if verified:
                user.email_verified_at = utcnow()
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make


@pytest.fixture
def make_event(app: Flask, make_user: Callable[..., User]) -> Callable[..., Event]:
    """Return a factory: make_event(creator=None, publish=True, **details) creates
    an event through the services (a week from now, in Paris, by default)."""
    numbers = itertools.count(1)

    def make(
        *, creator: User | None = None, publish: bool = True, cohosts: tuple = (), **overrides: Any
    ) -> Event:
        number = next(numbers)
        creator = creator or make_user()
        start = (utcnow() + timedelta(days=7)).astimezone(ZoneInfo("Europe/Paris"))
        start = start.replace(hour=18, minute=30, second=0, microsecond=0, tzinfo=None)
        values = {
            "title": f"Networking evening {number}",
            "timezone": "Europe/Paris",
            "starts_local": start,
            "ends_local": start + timedelta(hours=2),
            "venue_name": "Station F",
            "venue_address": "5 Parvis Alan Turing, 75013 Paris",
            **overrides,
        }
        with app.app_context():
            actor = db.session.get(User, creator.id)
            event = lifecycle.create_event(actor, EventDetails(**values)).event
            for cohost in cohosts:  # invited, and accepted
                token = hosts.invite_cohost(actor, event, email=cohost.email)
                hosts.accept_host_invitation(db.session.get(User, cohost.id), token)
            if publish:
                lifecycle.publish_event(actor, event)
            db.session.commit()
            slug = event.slug
        with app.app_context():
            event = db.session.scalar(select(Event).where(Event.slug == slug))
            _ = [h.user for h in event.hosts], event.topics
            db.session.expunge_all()
        return event

    return make


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """Return a context manager counting the SQL statements run inside it."""
    from contextlib import contextmanager

    from sqlalchemy import event as sa_event

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        with app.app_context():
            connection = db.session.get_bind()

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            # The harness's SAVEPOINTs stand in for the request's own transaction.
            if "SAVEPOINT" not in statement:
                counter.statements.append(statement)

        sa_event.listen(connection, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            sa_event.remove(connection, "before_cursor_execute", record)

    return counting


class Outbox:
    """Read the mail that tests caused, as the worker would find it."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def messages(self, to: str | None = None) -> list[OutboxMessage]:
        with self.app.app_context():
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if to is not None:
                query = query.where(OutboxMessage.recipient == to)
            rows = list(db.session.scalars(query))
            db.session.expunge_all()
            return rows

    def last(self, to: str) -> OutboxMessage:
        messages = self.messages(to)
        assert messages, f"no mail queued for {to}"
        return messages[-1]

    def link(self, to: str) -> str:
        """The path of the link in the latest message to `to`."""
        url = self.last(to).context["url"]
        return url.removeprefix(self.app.config["BASE_URL"])


@pytest.fixture
def outbox(app: Flask) -> Outbox:
    return Outbox(app)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a connection to anything but this machine."""
    original_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise AssertionError(f"test tried to connect to {address}: only loopback allowed")
        return original_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """An app context for calling services directly; yields db.session."""
    with app.app_context():
        yield db.session
