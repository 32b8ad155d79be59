"""The web side of login sessions (the rules are in services.sessions):
Flask-Login's loader, logging in and out, and the last-seen write that
happens at most once in five minutes per session."""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from meetup.extensions import db, login_manager
from meetup.models import User
from meetup.services.accounts import sessions
from meetup.services.connections import network
from meetup.transactions import request_writes, write_apart


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)


def log_in(user: User, *, remember: bool = False) -> None:
    """Open a server-side session for `user` and put it in this browser's
    cookies. The caller commits (the session row is part of its action)."""
    sessions.start_session(user, user_agent=request.headers.get("User-Agent", ""))
    login_user(user, remember=remember)


def log_out(user: User) -> None:
    """End the session this request runs in, on the server and in the cookies.
    The caller commits."""
    sessions.end_current_session(user)
    logout_user()


def _load_user(token: str) -> User | None:
    # Every page's menu shows the count of requests to connect waiting for the
    # person: read with them, one statement less per page. A request that
    # writes may change it first, so the menu reads it after (connections.views).
    menu = {} if request_writes() else {"waiting_requests": network.waiting_count_column()}
    user = sessions.load_session_user(token, also=menu)
    if user is not None:
        g.session_to_touch = sessions.session_due_for_touch(user)
        if menu:
            g.waiting_requests = user.waiting_requests
    return user


def touch_session_if_due(response: Response) -> None:
    """Write the session's last-seen time when it is due, once the request's
    own work is committed or thrown away (meetup.edge calls it last)."""
    session_id = g.pop("session_to_touch", None)
    if session_id is None or response.status_code >= 500:
        return
    write_apart(
        db.session,
        lambda: sessions.touch_session(session_id),
        failure=f"could not record the use of login session {session_id}",
    )
