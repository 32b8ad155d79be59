"""Engine set-up the ORM alone does not do, and dialect-aware SQL: SQLite's
transaction behaviour, INSERTs that skip conflicts, migrations' schema filter,
pair lookups SQLite's planner gets right. How a request's or a job's
transaction begins and ends is meetup.transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, Table, and_, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

# Execution option read by the SQLite "begin" hook: how to open the
# transaction (meetup.transactions.begin_write asks for IMMEDIATE).
SQLITE_BEGIN = "meetup_sqlite_begin"


def configure_engine(engine: Engine) -> None:
    """Give SQLite the transaction behaviour the app relies on.

    pysqlite opens transactions lazily and ignores SAVEPOINT semantics; the
    SQLAlchemy documentation's workaround lets SQLAlchemy emit BEGIN itself, so
    SAVEPOINTs work (tests rely on them) and writers can ask for BEGIN
    IMMEDIATE (see transactions.begin_write). Foreign keys are off in SQLite
    unless asked for; WAL lets the web server and the mail worker read while
    the other writes.
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
