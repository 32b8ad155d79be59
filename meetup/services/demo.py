"""A small, realistic world for trying the platform (`flask meetup seed-demo`).

It grows with each feature, so every page has something to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, select

from meetup.extensions import db
from meetup.models import ProfileVisibility, User
from meetup.models.types import utcnow
from meetup.services.accounts import register_user
from meetup.services.privacy import update_privacy
from meetup.services.profiles import update_profile

DEMO_PASSWORD = "networking-demo"
DEMO_LOGIN_EMAIL = "ada@example.org"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    headline: str
    company: str
    bio: str
    interests: list[str]
    offers: list[str]
    seeks: list[str]
    timezone: str
    links: list[str] = field(default_factory=list)
    visibility: ProfileVisibility = ProfileVisibility.MEMBERS
    listed: bool = True


PEOPLE = [
    DemoPerson(
        "ada@example.org", "Ada Okafor", "Engineering manager, payments", "Lumen Pay",
        "I run a platform team of twelve and host the monthly Lagos–London engineering "
        "leadership breakfast. Happy to talk about first-time management.",
        ["engineering management", "payments", "python", "mentoring"],
        ["mentoring", "hiring", "advice"], ["collaboration"], "Europe/London",
        ["https://example.org/ada"], ProfileVisibility.PUBLIC,
    ),
    DemoPerson(
        "ben@example.org", "Ben Lindqvist", "Data engineer", "Nordlys Energy",
        "Pipelines for wind farm telemetry. Looking for my next role in climate tech.",
        ["data engineering", "climate tech", "python", "rust"],
        ["advice"], ["new_job", "mentoring"], "Europe/Stockholm",
    ),
    DemoPerson(
        "chloe@example.org", "Chloé Martin", "Product designer", "Atelier Nuage",
        "Design systems and accessibility. I organise Paris UX Nights.",
        ["product design", "accessibility", "design systems"],
        ["mentoring", "collaboration"], ["hiring"], "Europe/Paris",
        ["https://example.org/chloe", "https://example.org/paris-ux-nights"],
        ProfileVisibility.PUBLIC,
    ),
    DemoPerson(
        "dev@example.org", "Devika Rao", "Founder, early-stage health startup", "Pulsewise",
        "Building remote cardiac monitoring. Raising a seed round.",
        ["health tech", "machine learning", "fundraising"],
        ["collaboration"], ["investing", "hiring", "advice"], "Asia/Kolkata",
    ),
    DemoPerson(
        "emil@example.org", "Emil Novak", "Angel investor", "",
        "Former CTO, now investing in developer tools and climate software.",
        ["developer tools", "climate tech", "fundraising"],
        ["investing", "advice"], [], "Europe/Prague", listed=False,
    ),
    DemoPerson(
        "fatima@example.org", "Fatima Haddad", "Junior backend developer", "Souk Systems",
        "Two years into my career, keen to learn from people who have led teams.",
        ["python", "distributed systems", "career growth"],
        [], ["mentoring", "new_job"], "America/New_York",
        visibility=ProfileVisibility.PRIVATE,
    ),
]  # fmt: skip


def seed_demo() -> bool:
    """Add the demo world to an empty database; return False if it has data."""
    if db.session.scalar(select(exists().where(User.id.is_not(None)))):
        return False
    for person in PEOPLE:
        user = register_user(email=person.email, display_name=person.name, password=DEMO_PASSWORD)
        user.email_verified_at = utcnow()
        update_profile(
            user,
            display_name=person.name,
            headline=person.headline,
            company=person.company,
            bio=person.bio,
            interests=person.interests,
            links=person.links,
            offers=person.offers,
            seeks=person.seeks,
            timezone=person.timezone,
        )
        update_privacy(
            user,
            profile_visibility=person.visibility,
            is_listed_in_directories=person.listed,
            is_email_shared_with_connections=person.listed,
            is_followup_email_wanted=True,
        )
    return True
