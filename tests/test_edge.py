"""The edge of every request (meetup.edge): one commit when the request
succeeded, a rollback otherwise, and domain errors answered in one place."""

from __future__ import annotations

import flask_migrate
import pytest
from flask import Blueprint, flash
from sqlalchemy import event as sa_event
from sqlalchemy import select, update

from meetup.edge import returns_to
from meetup.extensions import db
from meetup.lib.errors import InvalidInput, LoginRequired, NotFound, PermissionDenied
from meetup.models import User
from meetup.security import csrf_exempt
from meetup.transactions import writes_on_get


def _add_person(name: str) -> None:
    db.session.add(User(email=f"{name}@example.org", display_name=name, password_hash="!"))
    db.session.flush()


def _probe_blueprint() -> Blueprint:
    """Views that write, then answer in each way a real view can."""
    bp = Blueprint("probe", __name__)

    @bp.post("/probe/ok")
    def ok():
        _add_person("committed")
        return "ok"

    @bp.post("/probe/refused")
    @returns_to("probe.landing")
    def refused():
        _add_person("refused")
        raise InvalidInput("That cannot be done.")

    @bp.post("/probe/<int:item>/refused")
    @returns_to("probe.item")
    def refused_item(item: int):
        _add_person("refused")
        raise InvalidInput("Not this one.")

    @bp.post("/probe/unprocessable")
    def unprocessable():
        _add_person("unprocessable")
        return "bad input", 422

    @bp.get("/probe/reads")
    def reads():
        _add_person("read-only")
        return "read"

    @bp.get("/probe/count")
    def count():
        return str(len(db.session.scalars(select(User.id)).all()))

    @bp.get("/probe/renames")
    def renames():
        # Changed in memory only (say, for display), never flushed.
        db.session.scalars(select(User)).one().display_name = "renamed"
        return "renamed"

    @bp.get("/probe/updates")
    def updates():
        db.session.execute(update(User).values(display_name="updated"))
        return "updated"

    @bp.get("/probe/link")
    @writes_on_get
    def link():
        _add_person("link")
        return "link"

    @bp.get("/probe/missing")
    def missing():
        raise NotFound("No such thing.")

    @bp.get("/probe/forbidden")
    def forbidden():
        raise PermissionDenied("Not yours.")

    @bp.get("/probe/members")
    def members():
        raise LoginRequired("Log in first.")

    @bp.get("/probe/landing")
    def landing():
        flash("landed")
        return "landing"

    @bp.get("/probe/<int:item>")
    def item(item: int):
        return f"item {item}"

    return bp


@pytest.fixture
def probe(make_app):
    app = make_app()
    app.register_blueprint(_probe_blueprint())
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("probe."):
            csrf_exempt(view)
    with app.app_context():
        flask_migrate.upgrade()
    return app


def _people(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(User.display_name)))


def test_a_successful_write_is_committed_once(probe) -> None:
    assert probe.test_client().post("/probe/ok").status_code == 200
    assert _people(probe) == ["committed"]


def test_a_refusal_rolls_back_and_goes_back_with_its_message(probe) -> None:
    client = probe.test_client()
    response = client.post("/probe/refused")
    assert response.status_code == 303
    assert response.headers["Location"] == "/probe/landing"
    with client.session_transaction() as session:
        assert ("error", "That cannot be done.") in session["_flashes"]
    assert _people(probe) == []


def test_the_way_back_keeps_the_views_own_arguments(probe) -> None:
    response = probe.test_client().post("/probe/7/refused")
    assert response.headers["Location"] == "/probe/7"


def test_an_answer_in_error_rolls_back(probe) -> None:
    assert probe.test_client().post("/probe/unprocessable").status_code == 422
    assert _people(probe) == []


def test_a_get_writes_only_where_it_says_so(probe) -> None:
    client = probe.test_client()
    assert client.get("/probe/reads").status_code == 200
    assert _people(probe) == []
    assert client.get("/probe/link").status_code == 200
    assert _people(probe) == ["link"]


def _endings(app, path: str) -> list[str]:
    """How the transactions of one GET of `path` ended."""
    endings: list[str] = []
    with app.app_context():
        engine = db.engine
    listeners = {
        name: (lambda _conn, name=name: endings.append(name)) for name in ("commit", "rollback")
    }
    for name, listener in listeners.items():
        sa_event.listen(engine, name, listener)
    try:
        assert app.test_client().get(path).status_code == 200
    finally:
        for name, listener in listeners.items():
            sa_event.remove(engine, name, listener)
    return endings


def test_a_read_ends_with_commit_so_the_driver_keeps_its_plans(probe) -> None:
    """psycopg forgets its prepared statements on ROLLBACK: a clean read commits."""
    with probe.app_context():
        _add_person("ada")
        db.session.commit()
    assert _endings(probe, "/probe/count") == ["commit"]


@pytest.mark.parametrize("path", ["/probe/reads", "/probe/renames", "/probe/updates"])
def test_a_read_that_changed_anything_rolls_back(probe, path: str) -> None:
    """Flushed, left unsaved in memory, or run as a statement: never kept by a GET."""
    with probe.app_context():
        _add_person("ada")
        db.session.commit()
    assert _endings(probe, path) == ["rollback"]
    assert _people(probe) == ["ada"]


@pytest.mark.parametrize(("path", "status"), [("/probe/missing", 404), ("/probe/forbidden", 403)])
def test_not_found_and_forbidden_get_their_pages(probe, path: str, status: int) -> None:
    response = probe.test_client().get(path)
    assert response.status_code == status
    assert "<h1>" in response.get_data(as_text=True)


def test_login_required_asks_to_log_in(probe) -> None:
    response = probe.test_client().get("/probe/members")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_no_view_catches_domain_errors_itself() -> None:
    """The edge answers them: a view that catches one by hand is a second rule."""
    from pathlib import Path

    import meetup

    root = Path(meetup.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.glob("*/views.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "except" in line
        and any(name in line for name in ("DomainError", "NotFound", "PermissionDenied"))
    ]
    assert offenders == []
