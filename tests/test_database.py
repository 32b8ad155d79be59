"""The schema comes from the migrations, and each test's writes vanish after it."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from meetup.database import schema_filter
from meetup.extensions import db
from meetup.models import User

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
