"""Networking profiles: what people say about themselves, checked and tidied."""

from __future__ import annotations

from collections.abc import Iterable

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, LoginRequired, NotFound
from meetup.lib.text import clean_line, clean_tags, clean_text, clean_web_address
from meetup.lib.timezones import timezone_names
from meetup.models import Goal, GoalDirection, User, UserGoal, UserInterest
from meetup.models.user import (
    BIO_MAX_LENGTH,
    COMPANY_MAX_LENGTH,
    HEADLINE_MAX_LENGTH,
    INTEREST_MAX_LENGTH,
)
from meetup.services import privacy
from meetup.services.accounts.copies import rename
from meetup.services.accounts.credentials import clean_display_name

MAX_INTERESTS = 15
MAX_LINKS = 5
LINK_MAX_LENGTH = 300


def get_profile(viewer: User | None, person_id: int) -> User:
    """Return the person whose profile `viewer` asked for.

    :raise LoginRequired: the profile is for members and `viewer` is anonymous.
    :raise NotFound: no such person, or their profile is private to `viewer`
        (across a block: as to any member, see privacy.may_open_profile).
    """
    person = db.session.get(User, person_id)
    if person is None:
        raise NotFound("There is no such profile.")
    if not privacy.may_open_profile(viewer, person):
        if viewer is None and privacy.profile_needs_login(person):
            raise LoginRequired("Log in to see this profile.")
        raise NotFound("There is no such profile.")
    return person


def update_profile(
    person: User,
    *,
    display_name: str,
    headline: str,
    company: str,
    bio: str,
    interests: Iterable[str],
    links: Iterable[str],
    offers: Iterable[str],
    seeks: Iterable[str],
    timezone: str,
) -> None:
    """Replace the person's profile with what they entered.

    Every field is checked before anything changes, so a refusal changes nothing.

    :raise InvalidInput: a field breaks its rules (the error names the field).
    """
    cleaned_name = clean_display_name(display_name)
    cleaned_headline = clean_line(headline, field="headline", max_length=HEADLINE_MAX_LENGTH)
    cleaned_company = clean_line(company, field="company", max_length=COMPANY_MAX_LENGTH)
    cleaned_bio = clean_text(bio, field="bio", max_length=BIO_MAX_LENGTH)
    cleaned_interests = clean_interests(interests)
    cleaned_links = clean_links(links)
    offered = clean_goals(offers, field="offers")
    sought = clean_goals(seeks, field="seeks")
    if timezone not in timezone_names():
        raise InvalidInput("Choose a time zone from the list.", field="timezone")

    rename(person, cleaned_name)
    person.headline = cleaned_headline
    person.company = cleaned_company
    person.bio = cleaned_bio
    person.links = cleaned_links
    person.timezone = timezone
    person.interests = [UserInterest(name=name) for name in cleaned_interests]
    person.goals = [
        UserGoal(goal=goal, direction=direction)
        for direction, goals in ((GoalDirection.OFFERS, offered), (GoalDirection.SEEKS, sought))
        for goal in goals
    ]
    db.session.flush()


def clean_interests(raw: Iterable[str]) -> list[str]:
    """:raise InvalidInput: a tag is malformed or too long, or there are too many."""
    return clean_tags(
        raw, field="interests", noun="interest", max_count=MAX_INTERESTS,
        max_length=INTEREST_MAX_LENGTH,
    )  # fmt: skip


def clean_links(raw: Iterable[str]) -> list[str]:
    """:raise InvalidInput: a link is not an http(s) address, or there are too many."""
    links: list[str] = []
    for item in raw:
        link = clean_web_address(item, field="links", max_length=LINK_MAX_LENGTH)
        if link and link not in links:
            links.append(link)
    if len(links) > MAX_LINKS:
        raise InvalidInput(f"Add at most {MAX_LINKS} links.", field="links")
    return links


def clean_goals(raw: Iterable[str], *, field: str) -> list[Goal]:
    """:raise InvalidInput: a value is not one of Goal."""
    goals: list[Goal] = []
    for value in raw:
        try:
            goal = Goal(value)
        except ValueError:
            raise InvalidInput("Choose from the list.", field=field) from None
        if goal not in goals:
            goals.append(goal)
    return goals
