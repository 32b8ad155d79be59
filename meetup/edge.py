"""The edge of every request, as Indico's RH.process: the view loads, calls
one service and answers; this module commits once when it succeeded, rolls
back on any error, and answers the domain errors a view lets through.

- NotFound: the 404 page (also where the thing's existence is private: the
  services raise NotFound, never PermissionDenied, for a draft or a wrong token).
- PermissionDenied: the 403 page (MembersOnly: the 403 page that names the
  community to join, or to log in for). LoginRequired: the log-in page.
- Any other refusal (InvalidInput...) outside a form: its message is flashed
  and the person goes back to the page the view names with `returns_to`
  (forms show refusals next to their fields: meetup.forms.refusals_shown_on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import NotFound as NotFoundPage
from werkzeug.wrappers import Response

from meetup.errorpages import render_error
from meetup.extensions import db, login_manager
from meetup.lib.errors import DomainError, LoginRequired, MembersOnly, NotFound, PermissionDenied
from meetup.login import touch_session_if_due
from meetup.transactions import end_read, request_writes

View = TypeVar("View", bound=Callable[..., object])


def returns_to(endpoint: str) -> Callable[[View], View]:
    """Name the page a refused action goes back to (with the view's own URL
    arguments that the endpoint takes, such as the event's slug)."""

    def mark(view: View) -> View:
        view.returns_to = endpoint  # type: ignore[attr-defined]
        return view

    return mark


def mark_failed() -> None:
    """Make the edge roll back this request, whatever its answer."""
    g.request_failed = True


def finish_request(response: Response) -> Response:
    """Commit a writing request that succeeded; roll back anything else (a
    read ends as transactions.end_read says)."""
    if g.pop("request_failed", False) or response.status_code >= 400:
        db.session.rollback()
    elif request_writes():
        db.session.commit()
    else:
        end_read(db.session)
    touch_session_if_due(response)
    return response


def _not_found(error: NotFound) -> tuple[str, int, list[tuple[str, str]]]:
    mark_failed()
    return render_error(NotFoundPage(), reason=error.message)


def _forbidden(error: PermissionDenied) -> tuple[str, int, list[tuple[str, str]]]:
    mark_failed()
    return render_error(Forbidden(), reason=error.message)


def _members_only(error: MembersOnly) -> tuple[str, int]:
    mark_failed()
    page = render_template(
        "communities/members_only.html",
        community_name=error.community_name,
        community_url=url_for("communities.page", slug=error.community_slug),
    )
    return page, 403


def _login_required(error: LoginRequired) -> Response:
    mark_failed()
    return login_manager.unauthorized()


def _refused(error: DomainError) -> Response:
    """A refusal outside a form: say why, back where the person came from."""
    mark_failed()
    db.session.rollback()  # before anything reads what the failed action half-wrote
    flash(error.message, "error")
    return redirect(_back_url(), 303)


def _back_url() -> str:
    view = current_app.view_functions.get(request.endpoint or "")
    endpoint = getattr(view, "returns_to", None) or "main.index"
    wanted = set().union(*(rule.arguments for rule in current_app.url_map.iter_rules(endpoint)))
    arguments = {name: value for name, value in (request.view_args or {}).items() if name in wanted}
    return url_for(endpoint, **arguments)


def init_app(app: Flask) -> None:
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(PermissionDenied, _forbidden)
    app.register_error_handler(MembersOnly, _members_only)
    app.register_error_handler(LoginRequired, _login_required)
    app.register_error_handler(DomainError, _refused)
    app.after_request(finish_request)
