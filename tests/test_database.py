"""The schema comes from the migrations, and each test's writes vanish after it."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from meetup.database import schema_filter
from meetup.demo import seed_demo
from meetup.extensions import db
from meetup.models import User
from meetup.models.rsvp import name_sort_key
from meetup.services.privacy import is_listed_by_default

ISOLATION_EMAIL = "isolation-check@example.org"


def _isolation_user_exists(app) -> bool:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == ISOLATION_EMAIL)) is not None


# The next two tests prove the rollback in both orders: whichever runs first
# commits a row, and the other must not see it.
def test_isolation_first(app, auth) -> None:
    assert not _isolation_user_exists(app)
    auth.signup(email=ISOLATION_EMAIL)
    assert _isolation_user_exists(app)


def test_isolation_second(app, auth) -> None:
    assert not _isolation_user_exists(app)
    auth.signup(email=ISOLATION_EMAIL)
    assert _isolation_user_exists(app)


def _compare_options(connection) -> dict:
    # The same filter as migrations/env.py: PostgreSQL-only indexes stay there.
    return {"compare_type": True, "include_object": schema_filter(connection.dialect.name)}


def test_migrations_give_exactly_the_models_schema(app) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=_compare_options(connection))
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_empty_and_upgrade_again(make_app) -> None:
    app = make_app()
    with app.app_context():
        flask_migrate.upgrade()
        assert "user_account" in inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts=_compare_options(connection))
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_only_me_accounts_are_unlisted_by_the_migration(make_app) -> None:
    """Accounts made before "only me" turned the default listing off lose it."""
    app = make_app()
    with app.app_context():
        flask_migrate.upgrade(revision="c0a7e1d2f3b4")
        with db.engine.begin() as connection:
            for number, visibility in enumerate(("private", "members", "public")):
                connection.execute(
                    text(
                        "INSERT INTO user_account (email, password_hash, display_name, timezone,"
                        " created_at, profile_visibility,"
                        " is_listed_in_directories, is_email_shared_with_connections,"
                        " is_followup_email_wanted, headline, company, bio, links)"
                        " VALUES (:email, '!', 'P', 'UTC', CURRENT_TIMESTAMP, :visibility,"
                        " true, false, true, '', '', '', '[]')"
                    ),
                    {"email": f"p{number}@example.org", "visibility": visibility},
                )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT profile_visibility, is_listed_in_directories FROM user_account")
            ).all()
        listed = {visibility: bool(is_listed) for visibility, is_listed in rows}
        assert listed == {"private": False, "members": True, "public": True}
        db.engine.dispose()


def test_replies_get_their_sort_names_from_the_migration(make_app) -> None:
    """The directory's order key is backfilled from each person's name."""
    app = make_app()
    with app.app_context():
        flask_migrate.upgrade()
        assert seed_demo()
        db.session.commit()
        db.session.remove()
        flask_migrate.downgrade(revision="f99e4ae38170")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE user_account SET display_name = 'Émile de Vries'"
                    " WHERE id = (SELECT min(user_id) FROM rsvp)"
                )
            )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT rsvp.sort_name, user_account.display_name, rsvp.is_person_listed,"
                    " user_account.id FROM rsvp"
                    " JOIN user_account ON user_account.id = rsvp.user_id"
                )
            ).all()
        assert len(rows) > 10
        assert all(row.sort_name == name_sort_key(row.display_name) for row in rows)
        assert ("emile de vries", "Émile de Vries") in [tuple(row[:2]) for row in rows]
        with app.app_context():
            listed = {row.id: bool(row.is_person_listed) for row in rows}
            people = db.session.scalars(select(User).where(User.id.in_(listed)))
            assert listed == {person.id: is_listed_by_default(person) for person in people}
            assert set(listed.values()) == {True, False}
        db.engine.dispose()
