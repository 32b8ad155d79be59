"""What pages show of a community's people: the member list (members see
the listed members, privacy.community_lists), the admins' members pages and
CSV (everyone with a row, with the events of the community they attended
and were checked in at), a person's membership box and "My communities".

Every field of a person passes through privacy: a name where the list shows
it, headline and company where can_see_profile allows, a link where
may_open_profile does. Each page reads a fixed number of statements,
whatever the number of people on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select

from meetup.extensions import db
from meetup.lib.errors import LoginRequired, PermissionDenied
from meetup.lib.spreadsheets import csv_text
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityAnswer,
    CommunityEvent,
    CommunityMember,
    CommunityQuestion,
    MembershipState,
    Rsvp,
    User,
)
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.communities.lookup import require_admin
from meetup.services.communities.membership import LISTING_CHOICES
from meetup.services.rsvps.attendance import attended_condition

PER_PAGE = 50
MAX_WORDS = 8  # a search's words, as the event listing's
ADMIN_PER_PAGE = 100
MEMBERS_ONLY = "Only this community's members can see who its members are."

# The admins' tabs: which states each shows.
TABS: dict[str, tuple[MembershipState, ...]] = {
    "members": (MembershipState.MEMBER,),
    "requests": (MembershipState.PENDING,),
    "removed": (MembershipState.DECLINED, MembershipState.REMOVED, MembershipState.BLOCKED),
}
LISTING_KEYS = {value: key for key, value in LISTING_CHOICES.items()}


def is_admin_column() -> Any:
    """SQL over CommunityMember: its person is one of the community's admins."""
    return (
        exists()
        .where(
            CommunityAdmin.community_id == CommunityMember.community_id,
            CommunityAdmin.user_id == CommunityMember.user_id,
        )
        .label("is_admin")
    )


def _matching(query: Select, words: Iterable[str], viewer: User) -> Select:
    """Every word in the name, or in the headline or company where the
    viewer may see them (a search must not find what a card hides)."""
    fields_visible = privacy.profile_fields_condition(viewer)
    for word in words:
        query = query.where(
            or_(
                func.lower(User.display_name).contains(word, autoescape=True),
                and_(
                    fields_visible,
                    or_(
                        func.lower(User.headline).contains(word, autoescape=True),
                        func.lower(User.company).contains(word, autoescape=True),
                    ),
                ),
            )
        )
    return query


def _by_name(query: Select) -> Select:
    return query.order_by(func.lower(User.display_name), User.id)


# The member list


@dataclass(frozen=True)
class MemberCard:
    """A member as the member list shows them."""

    user_id: int
    display_name: str
    opens_profile: bool  # a link to their profile page
    headline: str  # empty where the viewer may not see the profile
    company: str
    is_admin: bool


@dataclass(frozen=True)
class MemberListPage:
    community: Community
    cards: list[MemberCard]
    member_count: int  # every member, listed or not: a count tells no choice
    query: str
    page: int
    has_next: bool


def member_list(
    viewer: User | None, community: Community, *, query: str = "", page: int = 1
) -> MemberListPage:
    """The community's member list for `viewer`, a member: the listed
    members but those across a block, by name, PER_PAGE a page; three
    statements whatever the number.

    :raise LoginRequired: nobody signed in. :raise PermissionDenied: not a member.
    """
    if viewer is None:
        raise LoginRequired(MEMBERS_ONLY)
    if not privacy.may_open_member_list(privacy.membership_of(viewer, community.id)):
        raise PermissionDenied(MEMBERS_ONLY)
    words = query.lower().split()[:MAX_WORDS]
    statement = (
        select(User, is_admin_column())
        .join(CommunityMember, CommunityMember.user_id == User.id)
        .where(CommunityMember.community_id == community.id, privacy.member_list_condition(viewer))
    )
    statement = _by_name(_matching(statement, words, viewer))
    rows = db.session.execute(statement.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    cards = [
        MemberCard(
            user_id=person.id,
            display_name=person.display_name,
            opens_profile=privacy.may_open_profile(viewer, person),
            headline=person.headline if privacy.can_see_profile(viewer, person) else "",
            company=person.company if privacy.can_see_profile(viewer, person) else "",
            is_admin=is_admin,
        )
        for person, is_admin in rows[:PER_PAGE]
    ]
    return MemberListPage(
        community=community,
        cards=cards,
        member_count=member_count(community),
        query=query,
        page=page,
        has_next=len(rows) > PER_PAGE,
    )


def member_count(community: Community) -> int:
    """How many members the community has (admins are members)."""
    return db.session.scalar(
        select(func.count())
        .select_from(CommunityMember)
        .where(
            CommunityMember.community_id == community.id,
            CommunityMember.state == MembershipState.MEMBER,
        )
    )


# The admins' members pages


@dataclass(frozen=True)
class ManagedMember:
    """A person with a row, as the admins see them."""

    user_id: int
    display_name: str
    opens_profile: bool
    headline: str  # as can_see_profile allows the admin: never an "only me" profile's
    company: str
    state: MembershipState
    is_admin: bool
    is_listed: bool  # in the member list, by their choice and profile
    requested_at: datetime
    joined_at: datetime | None
    attended: int  # the community's events they attended (the one "attended" rule)
    checked_in: int  # ... and were checked in at
    answers: list[tuple[str, str]] = field(default_factory=list)  # (question, answer)


@dataclass(frozen=True)
class ManageMembersPage:
    community: Community
    tab: str
    people: list[ManagedMember]
    tab_counts: dict[str, int]
    page: int
    has_next: bool


def manage_members(
    actor: User, community: Community, *, tab: str = "members", page: int = 1,
    now: datetime | None = None,
) -> ManageMembersPage:  # fmt: skip
    """The admins' page of people with a row in `tab` (members, requests,
    removed: declined, removed and blocked), by name, ADMIN_PER_PAGE a page,
    with their attendance; four statements whatever the number.

    :raise PermissionDenied: not an admin.
    """
    require_admin(actor, community)
    tab = tab if tab in TABS else "members"
    statement = _by_name(
        select(CommunityMember, User, is_admin_column())
        .join(User, User.id == CommunityMember.user_id)
        .where(CommunityMember.community_id == community.id, CommunityMember.state.in_(TABS[tab]))
    )
    found = db.session.execute(
        statement.limit(ADMIN_PER_PAGE + 1).offset((page - 1) * ADMIN_PER_PAGE)
    ).all()
    rows = found[:ADMIN_PER_PAGE]
    ids = [person.id for _, person, _ in rows]
    counts = attendance(community, ids, now=now or utcnow())
    answers = _answers(community, ids) if tab != "members" else {}
    people = [
        _managed(actor, row, person, is_admin, counts.get(person.id, (0, 0)),
                 answers.get(person.id, []))
        for row, person, is_admin in rows
    ]  # fmt: skip
    return ManageMembersPage(
        community=community,
        tab=tab,
        people=people,
        tab_counts=_tab_counts(community),
        page=page,
        has_next=len(found) > ADMIN_PER_PAGE,
    )


def _managed(
    actor: User,
    row: CommunityMember,
    person: User,
    is_admin: bool,
    counts: tuple[int, int],
    answers: list[tuple[str, str]],
) -> ManagedMember:
    sees = privacy.can_see_profile(actor, person)
    return ManagedMember(
        user_id=person.id,
        display_name=person.display_name,
        opens_profile=privacy.may_open_profile(actor, person),
        headline=person.headline if sees else "",
        company=person.company if sees else "",
        state=row.state,
        is_admin=is_admin,
        is_listed=privacy.is_listed_in_community(row, person),
        requested_at=row.requested_at,
        joined_at=row.joined_at,
        attended=counts[0],
        checked_in=counts[1],
        answers=answers,
    )


def _tab_counts(community: Community) -> dict[str, int]:
    by_state = dict(
        db.session.execute(
            select(CommunityMember.state, func.count())
            .where(CommunityMember.community_id == community.id)
            .group_by(CommunityMember.state)
        ).all()
    )
    return {tab: sum(by_state.get(state, 0) for state in states) for tab, states in TABS.items()}


def attendance(community: Community, people: Any, *, now: datetime) -> dict[int, tuple[int, int]]:
    """For each of `people` (ids, or SQL selecting them): how many of the
    community's events they attended (rsvps.attendance's rule) and were
    checked in at. One grouped statement; people with neither are absent."""
    statement = (
        select(
            Rsvp.user_id,
            func.sum(case((attended_condition(now=now), 1), else_=0)),
            func.count(Rsvp.checked_in_at),
        )
        .join(CommunityEvent, CommunityEvent.event_id == Rsvp.event_id)
        .where(CommunityEvent.community_id == community.id, Rsvp.user_id.in_(people))
        .group_by(Rsvp.user_id)
    )
    return {
        person_id: (int(attended or 0), int(checked_in or 0))
        for person_id, attended, checked_in in db.session.execute(statement)
    }


def _answers(community: Community, people: list[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    if not people:
        return found
    rows = db.session.execute(
        select(CommunityAnswer.user_id, CommunityQuestion.text, CommunityAnswer.text)
        .join(CommunityQuestion, CommunityQuestion.id == CommunityAnswer.question_id)
        .where(CommunityQuestion.community_id == community.id, CommunityAnswer.user_id.in_(people))
        .order_by(CommunityQuestion.position, CommunityQuestion.id)
    )
    for person_id, question, answer in rows:
        found.setdefault(person_id, []).append((question, answer))
    return found


def members_csv(actor: User, community: Community, *, now: datetime | None = None) -> str:
    """Everyone with a row, as the admins' pages show them: names, standing
    and counts only (never an address, never a profile's fields); three
    statements whatever the number.

    :raise PermissionDenied: not an admin.
    """
    require_admin(actor, community)
    rows = db.session.execute(
        _by_name(
            select(CommunityMember, User, is_admin_column())
            .join(User, User.id == CommunityMember.user_id)
            .where(CommunityMember.community_id == community.id)
        )
    ).all()
    people = select(CommunityMember.user_id).where(CommunityMember.community_id == community.id)
    counts = attendance(community, people, now=now or utcnow())
    header = ["name", "state", "admin", "listed", "joined", "events attended", "checked in"]
    lines = (
        [
            person.display_name,
            row.state.value,
            "yes" if is_admin else "no",
            "yes" if privacy.is_listed_in_community(row, person) else "no",
            row.joined_at.date().isoformat() if row.joined_at else "",
            *counts.get(person.id, (0, 0)),
        ]
        for row, person, is_admin in rows
    )
    return csv_text([header, *lines])
