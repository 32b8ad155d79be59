"""Web security defaults: CSRF on every POST, safe redirects, response headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, make_response, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from meetup.extensions import csrf
from meetup.models import User

View = TypeVar("View", bound=Callable[..., object])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# An email shown inside one of our pages as its recipients get it: its own
# inline styles, no script, nothing fetched, framed by our pages alone.
FRAMED_EMAIL_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    ]
)


def framed_email(html: str) -> Response:
    """An email's HTML body as a page for an <iframe> of ours (a preview)."""
    response = make_response(html)
    response.headers["Content-Security-Policy"] = FRAMED_EMAIL_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def form_checks_csrf(view: View) -> View:
    """Mark a view whose FlaskForm validates the CSRF token itself.

    Such a view answers a missing or stale token like any other bad input: the
    form comes back with a message, and what the person typed is kept.
    """
    view.csrf_checked_by_form = True  # type: ignore[attr-defined]
    return view


def csrf_exempt(view: View) -> View:
    """Mark a view authenticated by something other than the session cookie.

    Only for requests that carry their own proof (an API token, a signed
    one-click unsubscribe link); each use says why.
    """
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


def private_page(view: View) -> View:
    """Mark a view whose answer is private although no one is logged in (a
    page reached through a secret link): caches must not keep it."""
    view.is_private_page = True  # type: ignore[attr-defined]
    return view


def shared_page(view: View) -> View:
    """Mark a GET view whose answer to anonymous visitors is the same for all
    of them (an event page, a listing): it may carry an ETag and answer a
    repeated request with 304 (see is_shared_response)."""
    view.is_shared_page = True  # type: ignore[attr-defined]
    return view


def action_done(response: Response) -> bool:
    """A limit on an action (requests to connect, co-host invitations,
    messages to attendees) counts only the actions done, which answer with a
    redirect (303): a form sent back with its refusals costs nothing."""
    return response.status_code == 303


def refuse_large_bodies() -> None:
    """Answer 413 to a body over MAX_CONTENT_LENGTH before anything reads it,
    whatever the view (werkzeug only checks when the body is read)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def protect_unsafe_requests() -> None:
    """Check the CSRF token of every state-changing request before its view runs."""
    if request.method in SAFE_METHODS or request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "csrf_checked_by_form", False) or getattr(view, "csrf_exempt", False):
        return
    csrf.protect()


def current_viewer() -> User | None:
    """The logged-in person making the request, or None: what services take as actor."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def safe_next_url(target: str | None, default: str) -> str:
    """Return `target` if it is a path on this site, else `default`.

    Browsers ignore tabs and newlines in URLs and treat a backslash like a
    slash, so "/\\evil.example" or "/\t/evil.example" would leave the site.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def is_private_response() -> bool:
    """Whether the answer belongs to one person: it was made for a logged-in
    viewer (the page names them, at least in the menu), or its view says so."""
    viewer = g.get("_login_user")  # set only if the request looked at who is asking
    if viewer is not None and viewer.is_authenticated:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "is_private_page", False)


def is_shared_response(response: Response) -> bool:
    """Whether `response` is the same for every anonymous visitor, so caches
    may keep it and revalidate it by ETag: a complete answer to a GET of a view
    marked shared_page, made for no one in particular (is_private_response),
    and showing nothing of this browser's session. A flashed message, a CSRF
    token, or anything else written to the session makes it this browser's."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "is_shared_page", False) or is_private_response():
        return False
    made_csrf_token = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
    shows_session = (
        session.modified  # showing flashed messages takes them out of the session
        or made_csrf_token
        or "Set-Cookie" in response.headers
    )
    return not (shows_session or response.is_streamed)


def answer_conditionally(response: Response) -> Response:
    """Give a shared page a weak ETag (of its bytes: whatever changes on the
    page changes it) and answer a matching If-None-Match with 304. "no-cache":
    caches may keep the page, and ask each time whether it is still current."""
    if is_shared_response(response):
        response.add_etag(weak=True)
        response.headers["Cache-Control"] = "no-cache"
        response.make_conditional(request)
    return response


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    # Views that choose their own caching (feeds, downloads) keep it.
    if "Cache-Control" not in headers and is_private_response():
        headers["Cache-Control"] = "private, no-store"
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), microphone=(), payment=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.before_request(refuse_large_bodies)
    app.before_request(protect_unsafe_requests)
    app.after_request(add_security_headers)
    app.after_request(answer_conditionally)
