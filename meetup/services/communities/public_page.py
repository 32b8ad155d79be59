"""A community's public page, and the listing of communities with its search.

The page shows the community to anyone: its description, its admins (names
linked to their profiles where privacy lets the viewer open them; an admin
and the viewer who blocked each other do not see each other), how many
members it has, and its upcoming and past events. A members-only event is
shown to others by its title and date alone: they see that it exists, and
can join to see it.

Search matches every word, ignoring case and accents, anywhere in a
community's name, description, topics and city (Community.search_text,
folded as events' are), as the events' search does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, select

from meetup.extensions import db
from meetup.lib.text import fold_for_search, normalize_tag
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityEvent,
    CommunityMember,
    CommunityStatus,
    CommunityTopic,
    Event,
    EventStatus,
    EventVisibility,
    MembershipState,
    User,
)
from meetup.services import privacy
from meetup.services.communities import members, standing
from meetup.services.events.event_listing import EventCard, cards, contains_pattern, search_words

PER_PAGE = 20
UPCOMING_SHOWN = 50
PAST_SHOWN = 20


@dataclass(frozen=True)
class AdminName:
    user_id: int
    display_name: str
    links_profile: bool  # the viewer may open their profile


@dataclass(frozen=True)
class CommunityEventRow:
    card: EventCard
    # Members only, and the viewer is not a member: its title and date alone.
    is_hidden: bool
    is_members_only: bool


@dataclass(frozen=True)
class CommunityPage:
    community: Community
    admins: list[AdminName]
    member_count: int
    upcoming: list[CommunityEventRow]
    past: list[CommunityEventRow]
    # The viewer's standing as they may see it (a block looks pending), and
    # what they may do: join, ask, leave, their choices.
    box: standing.MembershipBox
    sees_members_only: bool  # a member or an admin

    @property
    def is_closed(self) -> bool:
        return not self.community.is_open

    @property
    def viewer_is_admin(self) -> bool:
        return self.box.is_admin


def community_page(viewer: User | None, community: Community, *, now: datetime) -> CommunityPage:
    """What the community's page shows `viewer` (None: a visitor) at `now`."""
    box = standing.membership_box(viewer, community)
    sees_members_only = box.is_admin or privacy.is_member(viewer, community.id)
    upcoming, past = _events(
        community, now=now, sees_members_only=sees_members_only, with_unlisted=box.is_admin
    )
    return CommunityPage(
        community=community,
        admins=_admins(viewer, community),
        member_count=members.member_count(community),
        upcoming=upcoming,
        past=past,
        box=box,
        sees_members_only=sees_members_only,
    )


def _admins(viewer: User | None, community: Community) -> list[AdminName]:
    people = db.session.scalars(
        select(User)
        .join(CommunityAdmin, CommunityAdmin.user_id == User.id)
        .where(CommunityAdmin.community_id == community.id, User.deleted_at.is_(None))
        .order_by(CommunityAdmin.added_at, User.id)
    ).all()
    blocked = privacy.blocked_ids(viewer) if viewer is not None else frozenset()
    return [
        AdminName(
            person.id, person.display_name, privacy.can_see_profile(viewer, person, blocked=blocked)
        )
        for person in people
        if person.id not in blocked  # blocks hide both ways
    ]


def _events(
    community: Community, *, now: datetime, sees_members_only: bool, with_unlisted: bool
) -> tuple[list[CommunityEventRow], list[CommunityEventRow]]:
    """Its published and cancelled events: (upcoming soonest first, past
    latest first). Unlisted ones only for its admins."""
    shown = [EventVisibility.PUBLIC, EventVisibility.MEMBERS]
    if with_unlisted:
        shown.append(EventVisibility.UNLISTED)
    base = (
        select(Event)
        .join(CommunityEvent, CommunityEvent.event_id == Event.id)
        .where(
            CommunityEvent.community_id == community.id,
            Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
            Event.visibility.in_(shown),
        )
    )
    members_only = set(
        db.session.scalars(
            base.where(Event.visibility == EventVisibility.MEMBERS).with_only_columns(Event.slug)
        )
    )
    upcoming = cards(
        base.where(Event.ends_at > now).order_by(Event.starts_at, Event.id).limit(UPCOMING_SHOWN)
    )
    past = cards(
        base.where(Event.ends_at <= now)
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(PAST_SHOWN)
    )

    def rows(found: list[EventCard]) -> list[CommunityEventRow]:
        return [
            CommunityEventRow(
                card,
                is_hidden=card.slug in members_only and not sees_members_only,
                is_members_only=card.slug in members_only,
            )
            for card in found
        ]

    return rows(upcoming), rows(past)


# The listing


@dataclass(frozen=True)
class CommunityFilters:
    query: str = ""
    city: str = ""
    online: bool = False  # those that meet online (no home city)
    topic: str = ""


@dataclass(frozen=True)
class CommunityCard:
    slug: str
    name: str
    city: str
    member_count: int
    topic_names: tuple[str, ...]

    @property
    def is_online(self) -> bool:
        return not self.city


@dataclass(frozen=True)
class CommunitiesPage:
    items: list[CommunityCard]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def list_communities(filters: CommunityFilters, *, page: int = 1) -> CommunitiesPage:
    """Open communities matching `filters`, by name: two queries whatever
    the page holds (the page's rows with their member counts, then their
    topics), one more row than a page to know whether another follows."""
    page = max(1, page)
    words = search_words(filters.query)
    city = "" if filters.online else fold_for_search(" ".join(filters.city.split()))
    statement = _listing_statement(
        words=len(words), city=bool(city), online=filters.online, topic=bool(filters.topic)
    )
    parameters: dict[str, Any] = {
        "offset": (page - 1) * PER_PAGE,
        "topic": normalize_tag(filters.topic),
        # search_text's last line is the folded city (lifecycle writes it so).
        "city": "%\n" + contains_pattern(city)[1:-1] if city else "",
        **{f"word_{number}": contains_pattern(word) for number, word in enumerate(words)},
    }
    rows = db.session.execute(statement, parameters).all()
    topics: dict[int, list[str]] = {row.id: [] for row in rows[:PER_PAGE]}
    if topics:
        for community_id, name in db.session.execute(
            select(CommunityTopic.community_id, CommunityTopic.name)
            .where(CommunityTopic.community_id.in_(list(topics)))
            .order_by(CommunityTopic.name)
        ):
            topics[community_id].append(name)
    items = [
        CommunityCard(row.slug, row.name, row.city, row.member_count, tuple(topics[row.id]))
        for row in rows[:PER_PAGE]
    ]
    return CommunitiesPage(items=items, number=page, has_next=len(rows) > PER_PAGE)


@cache
def _listing_statement(*, words: int, city: bool, online: bool, topic: bool) -> Select[Any]:
    """The listing's query for one combination of filters, built once; the
    values are bound when it runs."""
    members = (
        select(func.count())
        .where(
            CommunityMember.community_id == Community.id,
            CommunityMember.state == MembershipState.MEMBER,
        )
        .correlate(Community)
        .scalar_subquery()
        .label("member_count")
    )
    query = select(Community.id, Community.slug, Community.name, Community.city, members).where(
        Community.status == CommunityStatus.OPEN
    )
    for number in range(words):
        query = query.where(Community.search_text.like(bindparam(f"word_{number}"), escape="/"))
    if online:
        query = query.where(Community.city == "")
    elif city:
        # The city as search_text folds it ("PARIS", "Paris", "paris" alike):
        # its last line.
        query = query.where(Community.search_text.like(bindparam("city"), escape="/"))
    if topic:
        query = query.where(
            exists().where(
                CommunityTopic.community_id == Community.id,
                CommunityTopic.name == bindparam("topic"),
            )
        )
    return (
        query.order_by(Community.name, Community.id).limit(PER_PAGE + 1).offset(bindparam("offset"))
    )
