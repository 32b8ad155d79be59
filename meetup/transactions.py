"""How each unit of work's transaction begins and ends: writers that take
SQLite's write lock first (begin_write, begin_step for a job's steps, every
request that may write), reads that end without a ROLLBACK (end_read), a
reading request's bookkeeping write after its own work (write_apart), and
GET views that write (writes_on_get). The engine set-up these rely on is
meetup.database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session

from meetup.database import SQLITE_BEGIN

View = TypeVar("View", bound=Callable[..., Any])

log = logging.getLogger(__name__)

# Session.info key: the session wrote (flushed, or ran an INSERT, UPDATE or
# DELETE) since it was made, so end_read rolls it back.
WROTE = "meetup_wrote"


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
