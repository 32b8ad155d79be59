"""Flask extensions, created unbound; create_app() binds them."""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter and drop them, on SQLite's batch mode too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

# Methods that only read: no limit applies to them.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def _is_reading() -> bool:
    """Every limit here guards a write (tests/test_rate_limits.py holds each
    to unsafe methods), so a read skips the lookup of the limits that could
    apply to it, which Flask-Limiter otherwise makes on every request."""
    return request.method in READING_METHODS
