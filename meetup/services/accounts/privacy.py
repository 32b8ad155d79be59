"""Privacy: one function per question about who may see or receive what.

Every page, export and email asks here; no other module repeats these rules.
Later features widen the answers (hosts of events a person RSVPs to see their
email; accepted connections see it when the person allows), here and only here.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Protocol

from sqlalchemy import and_, bindparam, exists, or_, select, true

from meetup.database import both_in
from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.models import Block, Connection, ProfileVisibility, User
from meetup.services.accounts.copies import relist


class Person(Protocol):
    """A person as rows of plain columns carry them, or a User."""

    id: int
    profile_visibility: ProfileVisibility
    deleted_at: datetime | None


def can_see_profile(
    viewer: User | None, person: Person, *, blocked: frozenset[int] | None = None
) -> bool:
    """May `viewer` (None: not logged in) see `person`'s profile: open its page,
    and see its fields (headline, company, bio, interests, goals, links)
    wherever else they appear? The one rule for every page, search, count, CSV
    and list that shows a person: a directory card never shows more than the
    profile would (the name alone where the profile is out of reach). Its
    twin in SQL, for searches, is profile_fields_condition. `blocked`: the
    viewer's blocks, when the caller read many people's at once (blocks_among)."""
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
                _not_blocked(viewer_id),
            ),
        ),
    )


def blocked_ids(viewer: User) -> frozenset[int]:
    """The people `viewer` blocked and the people who blocked them: the two
    no longer see each other anywhere but a host's management pages. Read
    once per request (kept on the viewer's object until a block changes)."""
    cached = getattr(viewer, "_blocked_ids", None)
    if cached is None:
        cached = frozenset(
            db.session.scalars(
                select(Block.blocked_id).where(Block.blocker_id == viewer.id)
                .union(select(Block.blocker_id).where(Block.blocked_id == viewer.id))
            )
        )  # fmt: skip
        viewer._blocked_ids = cached  # type: ignore[attr-defined]
    return cached


def blocks_among(people: Any) -> dict[int, frozenset[int]]:
    """blocked_ids for a whole group at once (`people`: SQL selecting user
    ids, e.g. an event's replies): for each of them, the others in the group
    they blocked or who blocked them. One query, however large the group."""
    pairs: dict[int, set[int]] = {}
    for blocker, blocked in db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            both_in(Block.blocker_id, Block.blocked_id, people)
        )
    ):
        pairs.setdefault(blocker, set()).add(blocked)
        pairs.setdefault(blocked, set()).add(blocker)
    return {person: frozenset(others) for person, others in pairs.items()}


def forget_blocks(viewer: User) -> None:
    """After a block changes: read them again when next asked."""
    viewer._blocked_ids = None  # type: ignore[attr-defined]


def not_blocked_condition(viewer: User | None) -> Any:
    """SQL over User: neither this person nor `viewer` blocked the other."""
    if viewer is None:
        return true()
    return _not_blocked(viewer.id)


@cache
def not_blocked_of_viewer() -> Any:
    """not_blocked_condition with the viewer's id as the parameter viewer_id."""
    return _not_blocked(bindparam("viewer_id"))


def _not_blocked(viewer_id: Any) -> Any:
    """not_blocked_condition (`viewer_id`: the viewer's id or a parameter)."""
    return and_(
        ~exists().where(Block.blocker_id == viewer_id, Block.blocked_id == User.id),
        ~exists().where(Block.blocker_id == User.id, Block.blocked_id == viewer_id),
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


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    """Did `blocker_id` block `blocked_id` (this way round)?"""
    return (
        db.session.scalar(
            select(Block.id).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
        )
        is not None
    )


def profile_needs_login(person: User) -> bool:
    """Would logging in be enough to see this profile (so ask, rather than 404)?"""
    return person.deleted_at is None and person.profile_visibility == ProfileVisibility.MEMBERS


def can_see_email(viewer: User | None, person: User, *, connected: bool | None = None) -> bool:
    """May `viewer` see `person`'s email address (outside the hosts' pages of
    events the person replied to)? The person; and their accepted connections
    when they allowed it. (`connected` saves a query when the caller knows.)"""
    if viewer is None or person.deleted_at is not None:
        return False
    if viewer.id == person.id:
        return True
    if not shares_email_with_connections(person) or person.id in blocked_ids(viewer):
        return False
    return are_connected(viewer.id, person.id) if connected is None else connected


def shares_email_with_connections(person: User) -> bool:
    """Did the person allow accepted connections to see their email address?"""
    return person.deleted_at is None and person.is_email_shared_with_connections


def are_connected(first_id: int, second_id: int) -> bool:
    """Are the two people connected (an accepted request, or mutual)?"""
    low, high = sorted((first_id, second_id))
    return (
        db.session.scalar(
            select(Connection.id).where(Connection.first_id == low, Connection.second_id == high)
        )
        is not None
    )


def is_listed_by_default(person: User) -> bool:
    """listed_by_default_condition for one person (their replies carry the
    answer, Rsvp.is_person_listed, for the directory's counts; a test holds
    the two together)."""
    return (
        person.deleted_at is None
        and person.is_listed_in_directories
        and person.profile_visibility != ProfileVisibility.PRIVATE
    )


def listed_by_default_condition() -> Any:
    """SQL: the person appears in attendee directories unless they chose
    otherwise for an event. Never with an "only me" profile. The one
    definition; directory.shown_condition adds the per-event choice."""
    return and_(
        User.deleted_at.is_(None),
        User.is_listed_in_directories.is_(True),
        User.profile_visibility != ProfileVisibility.PRIVATE,
    )


def update_privacy(
    person: User,
    *,
    profile_visibility: str,
    is_listed_in_directories: bool,
    is_email_shared_with_connections: bool,
    is_followup_email_wanted: bool,
) -> None:
    """Record the person's privacy choices.

    :raise InvalidInput: `profile_visibility` is not one of ProfileVisibility.
    """
    try:
        person.profile_visibility = ProfileVisibility(profile_visibility)
    except ValueError:
        raise InvalidInput("Choose who can see your profile.", field="profile_visibility") from None
    # "Only me" turns the default listing off (the settings page says so).
    private = person.profile_visibility == ProfileVisibility.PRIVATE
    person.is_listed_in_directories = bool(is_listed_in_directories) and not private
    person.is_email_shared_with_connections = bool(is_email_shared_with_connections)
    person.is_followup_email_wanted = bool(is_followup_email_wanted)
    relist(person, listed=is_listed_by_default(person))
