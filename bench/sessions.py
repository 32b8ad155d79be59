"""Signed-in sessions minted directly, as the app itself would sign them: load
generators need many members at once, and the log-in form is rate limited."""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask_wtf.csrf import generate_csrf

from meetup.extensions import db
from meetup.models import User
from meetup.services.accounts.sessions import start_session


def mint_sessions(app: Flask, user_ids: list[int]) -> list[dict[str, Any]]:
    """For each member: {"user_id", "cookie": the Cookie header, "csrf_token"}."""
    serializer = app.session_interface.get_signing_serializer(app)
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    minted = []
    for user_id in user_ids:
        # A login session row, as the log-in form would have opened.
        session_id = start_session(db.session.get(User, user_id), user_agent="wrk")
        db.session.commit()
        # A fresh app context each: Flask-WTF caches the token in `g`.
        with app.app_context(), app.test_request_context():
            session["_user_id"] = session_id
            session["_fresh"] = False  # restored from a cookie, as after a restart
            token = generate_csrf()
            cookie = serializer.dumps(dict(session))
        minted.append(
            {"user_id": user_id, "cookie": f"{cookie_name}={cookie}", "csrf_token": token}
        )
    return minted
