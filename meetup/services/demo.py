"""A small, realistic world for trying the platform (`flask meetup seed-demo`)."""

from __future__ import annotations

from sqlalchemy import exists, select

from meetup.extensions import db
from meetup.models import User
from meetup.services.accounts import register_user

DEMO_PASSWORD = "networking-demo"
DEMO_LOGIN_EMAIL = "ada@example.org"

PEOPLE = [
    ("ada@example.org", "Ada Okafor"),
    ("ben@example.org", "Ben Lindqvist"),
    ("chloe@example.org", "Chloé Martin"),
    ("dev@example.org", "Devika Rao"),
    ("emil@example.org", "Emil Novak"),
    ("fatima@example.org", "Fatima Haddad"),
]


def seed_demo() -> bool:
    """Add the demo world to an empty database; return False if it has data."""
    if db.session.scalar(select(exists().where(User.id.is_not(None)))):
        return False
    for email, name in PEOPLE:
        register_user(email=email, display_name=name, password=DEMO_PASSWORD)
    return True
