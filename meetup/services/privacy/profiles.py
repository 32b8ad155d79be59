"""Who may see a profile: open its page, and see its fields (headline,
company, bio, interests, goals, links) wherever else they appear. A list of
people never shows more than the profile would (the name alone where the
profile is out of reach)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import and_, bindparam, or_

from meetup.models import ProfileVisibility, User
from meetup.services.privacy.blocks import blocked_ids, has_blocked, not_blocked


class Person(Protocol):
    """A person as rows of plain columns carry them, or a User."""

    id: int
    profile_visibility: ProfileVisibility
    deleted_at: datetime | None


def can_see_profile(
    viewer: User | None, person: Person, *, blocked: frozenset[int] | None = None
) -> bool:
    """May `viewer` (None: not logged in) see `person`'s profile? The one
    rule for every page, search, count, CSV and list that shows a person.
    Its twin in SQL, for searches, is profile_fields_condition. `blocked`:
    the viewer's blocks, when the caller read many people's at once
    (blocks.blocks_among)."""
    if viewer is None:
        return sees_profile(None, person, blocked=frozenset())
    if person.deleted_at is not None or viewer.id == person.id:
        return person.deleted_at is None
    return sees_profile(
        viewer.id, person, blocked=blocked_ids(viewer) if blocked is None else blocked
    )


def sees_profile(viewer_id: int | None, person: Person, *, blocked: frozenset[int]) -> bool:
    """can_see_profile for a viewer known by id, whose blocked_ids the caller
    read already (a batch over many viewers reads them in one query)."""
    if person.deleted_at is not None:
        return False
    if viewer_id is not None and viewer_id == person.id:
        return True
    if viewer_id is not None and person.id in blocked:
        return False
    if person.profile_visibility == ProfileVisibility.PUBLIC:
        return True
    if person.profile_visibility == ProfileVisibility.MEMBERS:
        return viewer_id is not None
    return False


def profile_fields_condition(viewer: User | None) -> Any:
    """SQL over User: can_see_profile(viewer, User), for filtering searches by
    fields the viewer may see (the privacy matrix test holds the two together)."""
    if viewer is None:
        return profile_fields_of_viewer(signed_in=False)
    return _profile_fields(viewer.id)


@cache  # one immutable expression per kind of viewer: statements built once
def profile_fields_of_viewer(*, signed_in: bool) -> Any:
    """profile_fields_condition with the viewer's id as the parameter viewer_id
    (none for a visitor), for statements built once and run with the value."""
    if not signed_in:
        return and_(User.deleted_at.is_(None), User.profile_visibility == ProfileVisibility.PUBLIC)
    return _profile_fields(bindparam("viewer_id"))


def _profile_fields(viewer_id: Any) -> Any:
    """profile_fields_condition for a signed-in viewer (`viewer_id`: their id or a parameter)."""
    return and_(
        User.deleted_at.is_(None),
        or_(
            User.id == viewer_id,
            and_(
                or_(
                    User.profile_visibility == ProfileVisibility.PUBLIC,
                    User.profile_visibility == ProfileVisibility.MEMBERS,
                ),
                not_blocked(viewer_id),
            ),
        ),
    )


def profile_viewer(viewer: User | None, person: User) -> User | None:
    """Whom `person`'s profile page is shown to: `viewer`, or across a block
    (either way) nobody signed in: no tie of theirs (a shared event, a
    connection, an address) shows on it."""
    if viewer is not None and viewer.id != person.id and person.id in blocked_ids(viewer):
        return None
    return viewer


def may_open_profile(viewer: User | None, person: User) -> bool:
    """May `viewer` open `person`'s profile page? can_see_profile, but for
    someone `person` blocked as for any member with no tie to them (a
    profile for members opens, an "only me" one does not): a 404 where every
    other member and a logged-out visitor's log-in page say it exists would
    tell the block. A blocker knows: they see the other as a visitor would."""
    if viewer is not None and is_blocked_only_by(viewer, person):
        return opens_to_any_member(person)
    return can_see_profile(profile_viewer(viewer, person), person)


ANY_MEMBER = 0  # no account has this id: a member with no tie to anyone


def opens_to_any_member(person: Person) -> bool:
    """Would any member with no tie to `person` see their profile?"""
    return sees_profile(ANY_MEMBER, person, blocked=frozenset())


def is_blocked_only_by(viewer: User, person: User) -> bool:
    """Did `person` block `viewer`, who did not block them back? Then
    `viewer` is the one who must not be able to tell."""
    return person.id in blocked_ids(viewer) and not has_blocked(viewer.id, person.id)


def profile_needs_login(person: User) -> bool:
    """Would logging in be enough to see this profile (so ask, rather than 404)?"""
    return person.deleted_at is None and person.profile_visibility == ProfileVisibility.MEMBERS
