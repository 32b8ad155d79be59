"""My data: the export holds everything, the deletion leaves nothing identifying."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import User
from meetup.services.personal_data import registry

PASSWORD = "correct horse battery"
PROFILE = {
    "display_name": "Katherine Johnson",
    "headline": "Orbital mechanics",
    "company": "NASA",
    "bio": "Trajectories and people.",
    "interests": "spaceflight, mathematics",
    "offers": ["mentoring"],
    "seeks": ["collaboration"],
    "links": "https://example.org/katherine",
    "timezone": "America/New_York",
}


def _user_foreign_keys() -> set[tuple[str, str]]:
    """Every (table, column) of the models that points at a user account."""
    user_table = User.__table__
    return {
        (table.name, fk.parent.name)
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table is user_table
    }


def test_every_table_pointing_at_a_person_is_exported_and_erased() -> None:
    """Fails when a new model holds a person's data but is left out of my data."""
    covered = {
        (column.class_.__table__.name, column.key)
        for entry in registry.REGISTRY
        for column in entry.references
    }
    missing = _user_foreign_keys() - covered
    assert not missing, (
        f"add these to meetup.services.personal_data.registry.REGISTRY: {sorted(missing)}"
    )
    for entry in registry.REGISTRY:
        assert callable(entry.export) and callable(entry.erase), entry.section


def _filled_member(app, client, auth, make_user) -> User:
    person = make_user(email="katherine@example.org")
    auth.login(person.email)
    assert client.submit("/profile/edit", PROFILE).status_code == 303
    assert (
        client.submit(
            "/account/privacy",
            {"profile_visibility": "public", "is_listed_in_directories": "y"},
        ).status_code
        == 303
    )
    return person


def test_export_holds_everything_about_the_person(app, client, auth, make_user) -> None:
    person = _filled_member(app, client, auth, make_user)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="meetup-data-')
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["format"] == "meetup.personal-data"
    assert data["version"] == 1
    assert {entry.section for entry in registry.REGISTRY} <= set(data)
    assert data["account"]["email"] == "katherine@example.org"
    assert data["account"]["id"] == person.id
    assert data["profile"] == {
        "headline": "Orbital mechanics",
        "company": "NASA",
        "bio": "Trajectories and people.",
        "interests": ["mathematics", "spaceflight"],
        "offers": ["mentoring"],
        "seeks": ["collaboration"],
        "links": ["https://example.org/katherine"],
        "timezone": "America/New_York",
    }
    assert data["mail"] == []
    assert data["privacy"] == {
        "profile_visibility": "public",
        "listed_in_directories": True,
        "email_shared_with_connections": False,
        "followup_emails": False,
        "calendar_reminder_minutes": None,
    }


def test_export_needs_an_account(client) -> None:
    assert client.get("/account/data.json").status_code == 302


def test_delete_account_erases_the_person(app, client, auth, make_user) -> None:
    person = _filled_member(app, client, auth, make_user)
    other = make_user()
    other_client = app.test_client()
    other_client.submit("/login", {"email": person.email, "password": PASSWORD})

    response = client.submit("/account/delete", {"password": PASSWORD})
    assert response.status_code == 303
    assert "Your account and your data are deleted." in client.get("/").get_data(as_text=True)
    assert "Log out" not in client.get("/").get_data(as_text=True)
    assert "Log out" not in other_client.get("/").get_data(as_text=True)  # every session

    with app.app_context():
        tombstone = db.session.get(User, person.id)
        identifying = [
            tombstone.email, tombstone.display_name, tombstone.headline, tombstone.company,
            tombstone.bio, str(tombstone.links), tombstone.timezone,
        ]  # fmt: skip
        for value in identifying:
            for fragment in ("katherine", "Katherine", "NASA", "Orbital", "example.org/k"):
                assert fragment not in value
        assert tombstone.deleted_at is not None
        assert tombstone.last_login_at is None
        # No row that points at the person is left, but those others own.
        for table_name, column in _user_foreign_keys():
            table = db.metadata.tables[table_name]
            keeps = any(
                entry.keeps_rows
                for entry in registry.REGISTRY
                for ref in entry.references
                if (ref.class_.__table__.name, ref.key) == (table_name, column)
            )
            count = db.session.scalar(
                select(func.count()).select_from(table).where(table.c[column] == person.id)
            )
            assert keeps or count == 0, table_name
        # Other people are untouched.
        assert db.session.get(User, other.id).email == other.email

    assert auth.login("katherine@example.org").status_code == 422
    assert client.get(f"/people/{person.id}").status_code == 404
    # The address is free for a new account.
    assert auth.signup(email="katherine@example.org").status_code == 303


def test_mail_to_the_person_is_exported_and_erased(app, client, auth, outbox) -> None:
    auth.signup(email="mailed@example.org")
    auth.login("mailed@example.org")
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert [m["kind"] for m in data["mail"]] == ["verify_email"]
    assert data["mail"][0]["subject"] == "Confirm your email address"
    client.submit("/account/delete", {"password": PASSWORD})
    assert outbox.messages("mailed@example.org") == []


def test_delete_account_needs_the_password(app, client, auth, make_user) -> None:
    person = make_user()
    auth.login(person.email)
    response = client.submit("/account/delete", {"password": "not my password"})
    assert response.status_code == 422
    assert 'id="password-error">This is not your current password.' in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(User, person.id).deleted_at is None


def test_delete_account_needs_an_account(client) -> None:
    assert client.get("/account/delete").status_code == 302
