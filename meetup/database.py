"""Engine set-up that the ORM alone does not do, and dialect-aware statements."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, Table, and_, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session
from sqlalchemy.sql.dml import Insert

View = TypeVar("View", bound=Callable[..., Any])

log = logging.getLogger(__name__)

# Execution option read by the SQLite "begin" hook: how to open the transaction.
SQLITE_BEGIN = "meetup_sqlite_begin"
# Session.info key: the session wrote (flushed, or ran an INSERT, UPDATE or
# DELETE) since it was made, so end_read rolls it back.
WROTE = "meetup_wrote"


def configure_engine(engine: Engine) -> None:
    """Give SQLite the transaction behaviour the app relies on.

    pysqlite opens transactions lazily and ignores SAVEPOINT semantics; the
    SQLAlchemy documentation's workaround lets SQLAlchemy emit BEGIN itself, so
    SAVEPOINTs work (tests rely on them) and writers can ask for BEGIN IMMEDIATE
    (see begin_write). Foreign keys are off in SQLite unless asked for; WAL lets
    the web server and the mail worker read while the other writes.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            # Durable across application crashes; only a power loss can undo the
            # latest commits. Without it every commit waits for an fsync.
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer that must not be overtaken.

    On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE):
    a check-then-write cannot interleave with another writer, and waiting
    happens up front (busy_timeout) instead of failing with "database is
    locked" halfway. PostgreSQL needs nothing here; callers lock rows.
    Call it first in a unit of work, before anything else touches the database.
    """
    session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})


def begin_step(session: Session | scoped_session[Session]) -> None:
    """Start a job's step (read, then write, then the caller commits) with
    begin_write, unless the caller already holds a transaction the step is a
    part of (the demo's, a test's): a job's reads must not start a
    transaction that a web request's commit leaves unable to write."""
    current = session() if isinstance(session, scoped_session) else session
    if not current.in_transaction():
        begin_write(current)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def end_read(session: Session | scoped_session[Session]) -> None:
    """End a transaction that was only to read: with COMMIT when it wrote
    nothing and holds nothing unsaved, else with ROLLBACK. For a read the two
    are the same, but psycopg forgets its prepared statements on every
    ROLLBACK, so reads that rolled back had PostgreSQL plan every statement
    anew (about half the server's work on the event page)."""
    if session.info.get(WROTE) or session.new or session.dirty or session.deleted:
        session.rollback()
        return
    # Nothing changed, so what was read stays as true as it was: the hooks
    # that run after (headers, cookies) reread nothing.
    current = session() if isinstance(session, scoped_session) else session
    expire_on_commit, current.expire_on_commit = current.expire_on_commit, False
    try:
        current.commit()
    finally:
        current.expire_on_commit = expire_on_commit


def write_apart(
    session: Session | scoped_session[Session], write: Callable[[], object], *, failure: str
) -> None:
    """Run `write` in a transaction of its own once a request's own work is
    committed or thrown away (a bookkeeping write a reading request owes:
    a session's last use, calendar entries it built), and commit it. Its
    failure is logged with `failure` and rolled back, never the request's.
    """
    try:
        # A reading transaction on SQLite cannot become a writer once another
        # process has written: end it, then write in a transaction of its own.
        end_read(session)
        begin_write(session)
        write()
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.warning("%s", failure, exc_info=True)


def writes_on_get(view: View) -> View:
    """Mark a GET view that writes (a confirmation link): the edge commits it
    (meetup.edge), and on SQLite it takes the write lock first."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def request_writes() -> bool:
    """Whether this request may change data: an unsafe method, or a GET view
    marked writes_on_get."""
    from flask import current_app, request

    if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "writes_on_get", False)


def begin_request_writes() -> None:
    """On SQLite, let every request that writes take the write lock first.

    In WAL mode a transaction that read, then finds another process (the mail
    worker, another gunicorn worker) committed since, cannot upgrade to a
    writer: SQLite answers "database is locked" at once, without waiting. A
    writer that starts with BEGIN IMMEDIATE waits its turn instead.
    PostgreSQL needs none of this.
    """
    from meetup.extensions import db

    if db.engine.dialect.name == "sqlite" and request_writes():
        begin_write(db.session)


def insert_ignoring_conflicts(session: Session, table: Table, *, unique: list[str]) -> Insert:
    """INSERT that skips rows clashing with the unique columns `unique`
    (ON CONFLICT DO NOTHING, on PostgreSQL and SQLite alike)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=unique)
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=unique)
    raise NotImplementedError(f"no ON CONFLICT support written for {dialect}")


def schema_filter(dialect_name: str) -> Callable[..., bool]:
    """An Alembic include_object hook: leave out model objects made only for
    another database (Index(...).ddl_if(dialect=...)), which autogenerate and
    compare_metadata would otherwise expect everywhere."""

    def include_object(obj: Any, name: str, type_: str, reflected: bool, compare_to: Any) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        if not reflected and condition is not None and condition.dialect is not None:
            dialects = condition.dialect
            if isinstance(dialects, str):
                dialects = (dialects,)
            return dialect_name in dialects
        return True

    return include_object


def both_in(first: Any, second: Any, people: Any) -> Any:
    """SQL: `first` and `second` (a pair's two columns, e.g. a block's) are
    both among `people`. Written so that SQLite searches the pair's index on
    `first` alone and tests `second` on each row found: with both columns on
    that index, its planner probes every pair of the two lists (10,000² for
    one event's people: seconds, not milliseconds). PostgreSQL is indifferent."""
    return and_(first.in_(people), (second + 0).in_(people))
