"""Login sessions on the server: started at log-in, checked on every request,
ended by logging out, from the account page, or by a change of password.

The browser's cookies carry a random secret; the database keeps its SHA-256
(LoginSession.token_hash). Flask-Login stores whatever User.get_id() returns,
its "alternative token" pattern, so a session whose row is gone is anonymous
whatever cookies a copy of the browser still holds.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, delete, select, update

from meetup.extensions import db
from meetup.lib.errors import NotFound
from meetup.lib.tokens import token_digest
from meetup.lib.user_agents import describe_user_agent
from meetup.models import LoginSession, User
from meetup.models.session import SESSION_LABEL_MAX_LENGTH
from meetup.models.types import utcnow

# Last-seen is written at most this often per session, so reading pages does
# not turn every request into a write.
TOUCH_INTERVAL = timedelta(minutes=5)
# A session unused this long ends (the remember-me cookie lasts as long).
IDLE_LIMIT = timedelta(days=30)


@dataclass(frozen=True)
class SessionInfo:
    """One of a person's sessions, as the account page lists it."""

    id: int
    label: str
    created_at: datetime
    last_seen_at: datetime
    is_current: bool


def start_session(user: User, *, user_agent: str = "", now: datetime | None = None) -> str:
    """Open a login session for `user` and make it the one `user.get_id()` names.

    Sessions of the person left idle past IDLE_LIMIT are cleared on the way.

    :return: the secret for the cookies (never stored as such).
    """
    now = now or utcnow()
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.last_seen_at < now - IDLE_LIMIT
        )
    )
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        user_id=user.id,
        token_hash=token_digest(token),
        label=describe_user_agent(user_agent)[:SESSION_LABEL_MAX_LENGTH],
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(row)
    db.session.flush()
    _attach(user, row, token)
    return token


def load_session_user(
    token: str, *, now: datetime | None = None, also: Mapping[str, ColumnElement[Any]] | None = None
) -> User | None:
    """Return the person whose live session `token` opens, loaded with the
    session in one query; None if it was ended, idled out, or never existed.
    `also`: more columns of the person (User) for that query, set on the
    returned person as attributes of those names (pass the same column
    objects each time: the statement is built once for them)."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    also = also or {}
    found = db.session.execute(
        _session_user_query(tuple(also.values())), {"token_hash": token_digest(token)}
    ).first()
    if found is None:
        return None
    user, row, *values = found
    if not user.is_active or row.last_seen_at < now - IDLE_LIMIT:
        return None
    _attach(user, row, token)
    for name, value in zip(also, values, strict=True):
        setattr(user, name, value)
    return user


@cache
def _session_user_query(also: tuple[ColumnElement[Any], ...]) -> Select:
    # Built once (per set of extra columns): building it costs more than running it.
    return (
        select(User, LoginSession, *also)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == bindparam("token_hash"))
    )


def session_due_for_touch(user: User, *, now: datetime | None = None) -> int | None:
    """The id of the session the request runs in, if its last-seen time is
    old enough to rewrite (see TOUCH_INTERVAL); else None."""
    seen_at = getattr(user, "session_seen_at", None)
    if seen_at is None or seen_at > (now or utcnow()) - TOUCH_INTERVAL:
        return None
    return current_session_id(user)


def touch_session(session_id: int, *, now: datetime | None = None) -> None:
    """Record that the session was used now."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.id == session_id)
        .values(last_seen_at=now or utcnow())
    )


def current_session_id(user: User) -> int | None:
    """The session the request runs in, if `user` was loaded from one."""
    return getattr(user, "session_id", None)


def list_sessions(user: User) -> list[SessionInfo]:
    """The person's live sessions, most recently used first."""
    current = current_session_id(user)
    rows = db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.last_seen_at >= utcnow() - IDLE_LIMIT)
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    )
    return [
        SessionInfo(
            id=row.id,
            label=row.label,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_current=row.id == current,
        )
        for row in rows
    ]


def end_session(user: User, session_id: int) -> None:
    """End one of the person's own sessions.

    :raise NotFound: no such session of theirs (another person's is not theirs to see).
    """
    ended = db.session.execute(
        delete(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user.id)
    )
    if ended.rowcount == 0:
        raise NotFound("This session has already ended.")


def end_current_session(user: User) -> None:
    """Log out: the session the request runs in ends on the server."""
    current = current_session_id(user)
    if current is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.id == current))


def end_other_sessions(user: User) -> int:
    """End every session of the person but the one the request runs in.

    :return: how many ended.
    """
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    current = current_session_id(user)
    if current is not None:
        query = query.where(LoginSession.id != current)
    return db.session.execute(query).rowcount


def end_all_sessions(user: User) -> None:
    """End every session of the person, this one included."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def _attach(user: User, row: LoginSession, token: str) -> None:
    # Plain values, not the row: they stay readable after a commit or after
    # the row is deleted (logging out).
    user.session_id = row.id  # type: ignore[attr-defined]
    user.session_seen_at = row.last_seen_at  # type: ignore[attr-defined]
    user.session_token = token  # type: ignore[attr-defined]
