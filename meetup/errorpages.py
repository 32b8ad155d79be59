"""Error pages that keep the site's layout and say what to do next."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from meetup.extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "You do not have permission to see this page."),
    404: ("Page not found", "There is nothing here. The address may be mistyped or out of date."),
    405: ("Method not allowed", "This page cannot be used that way."),
    413: (
        "Too large",
        "What you sent is larger than this site accepts. Shorten it, then try again.",
    ),
    429: (
        "Too many attempts",
        "For your security we have paused this for a little while. "
        "Please wait a few minutes, then try again.",
    ),
    500: (
        "Something went wrong",
        "We could not finish your request, and nothing was changed. Please try again in a moment.",
    ),
}

CSRF_MESSAGE = (
    "This form has expired or did not come from this site. "
    "Go back, reload the page and submit it again."
)


def render_error(
    error: HTTPException, *, reason: str = ""
) -> tuple[str, int, list[tuple[str, str]]]:
    """The error page for `error`; `reason` (a refusal's own words, such as
    "This invitation has expired or was withdrawn.") replaces the generic message."""
    code = error.code or 500
    if code >= 500:
        # Whatever the failed request half-wrote must not reach the next commit.
        db.session.rollback()
    title, message = MESSAGES.get(code, (error.name, error.description or ""))
    if isinstance(error, CSRFError):
        message = CSRF_MESSAGE
    message = reason or message
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    page = render_template("errors/error.html", code=code, title=title, message=message)
    return page, code, headers


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, render_error)
