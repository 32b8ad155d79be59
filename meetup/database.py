"""Engine set-up that the ORM alone does not do."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, event


def configure_engine(engine: Engine) -> None:
    """Give SQLite the transaction behaviour the app relies on.

    pysqlite opens transactions lazily and ignores SAVEPOINT semantics; the
    SQLAlchemy documentation's workaround lets SQLAlchemy emit BEGIN itself, so
    SAVEPOINTs work (tests rely on them) and writers can ask for BEGIN IMMEDIATE.
    Foreign keys are off in SQLite unless asked for; WAL lets the web server and
    the mail worker read while the other writes.
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
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")
