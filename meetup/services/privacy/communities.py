"""Who belongs to a community: the membership facts every domain asks
(members-only events, member lists, announcements), over the models alone.

A person is a member when their row says MEMBER; pending, declined, removed
and blocked people are not (and are not told which they are: declining,
removing and blocking are silent). Admins hold a member row too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select

from meetup.extensions import db
from meetup.models import (
    CommunityAdmin,
    CommunityEvent,
    CommunityMember,
    Event,
    EventHost,
    EventVisibility,
    MembershipState,
    User,
)


def membership_of(person: User | None, community_id: int) -> CommunityMember | None:
    """`person`'s row for the community, whatever its state (None: no row, or
    no person)."""
    if person is None:
        return None
    return db.session.get(CommunityMember, (community_id, person.id))


def is_member(person: User | None, community_id: int) -> bool:
    """Is `person` a member of the community (admins are)?"""
    row = membership_of(person, community_id)
    return row is not None and row.state == MembershipState.MEMBER


def is_admin(person: User | None, community_id: int) -> bool:
    """Is `person` one of the community's admins?"""
    if person is None:
        return False
    return db.session.get(CommunityAdmin, (community_id, person.id)) is not None


def member_community_ids(person: User) -> set[int]:
    """The communities `person` is a member of (one query)."""
    return set(
        db.session.scalars(
            select(CommunityMember.community_id).where(
                CommunityMember.user_id == person.id,
                CommunityMember.state == MembershipState.MEMBER,
            )
        )
    )


# Members-only events (EventVisibility.MEMBERS): the one rule, in Python and
# in SQL. A viewer sees one when they host it or are a member of its
# community; anyone else (visitors, strangers, pending, declined, removed and
# blocked people, and people who replied before they left) sees only that it
# exists, through the event's own address (services.events.lookup.find_event),
# and it is listed nowhere for them.


def may_see_members_event(viewer: User | None, event: Event, *, viewer_is_host: bool) -> bool:
    """May `viewer` see `event` as far as its community's members-only rule
    goes (any other event: yes)? Reads the membership only for a members-only
    event whose viewer does not host it."""
    if event.visibility != EventVisibility.MEMBERS or viewer_is_host:
        return True
    link = event.community_link
    return link is not None and is_member(viewer, link.community_id)


def members_event_condition(viewer_id: Any) -> ColumnElement[bool]:
    """SQL twin of may_see_members_event for `Event` rows: `viewer_id` is an
    id, a bound parameter or a column (None: a visitor, who sees no
    members-only event)."""
    open_to_all = Event.visibility != EventVisibility.MEMBERS
    if viewer_id is None:
        return open_to_all
    member = exists().where(
        CommunityEvent.event_id == Event.id,
        CommunityMember.community_id == CommunityEvent.community_id,
        CommunityMember.user_id == viewer_id,
        CommunityMember.state == MembershipState.MEMBER,
    )
    hosting = exists().where(EventHost.event_id == Event.id, EventHost.user_id == viewer_id)
    return or_(open_to_all, member, hosting)


def hidden_members_events(viewer_ids: set[int], event_ids: set[int]) -> dict[int, set[int]]:
    """For each of `viewer_ids`, which of `event_ids` are members-only events
    they may not see (three queries whatever the numbers; nothing to read when
    none of the events is members-only): for a batch that names events to
    many people at once (suggestions' reasons)."""
    if not viewer_ids or not event_ids:
        return {}
    members_only = dict(
        db.session.execute(
            select(Event.id, CommunityEvent.community_id)
            .outerjoin(CommunityEvent, CommunityEvent.event_id == Event.id)
            .where(Event.id.in_(event_ids), Event.visibility == EventVisibility.MEMBERS)
        ).all()
    )
    if not members_only:
        return {}
    hosting = set(
        db.session.execute(
            select(EventHost.user_id, EventHost.event_id).where(
                EventHost.event_id.in_(set(members_only)),
                EventHost.user_id.in_(viewer_ids),
            )
        ).all()
    )
    members = set(
        db.session.execute(
            select(CommunityMember.user_id, CommunityMember.community_id).where(
                CommunityMember.community_id.in_(set(members_only.values()) - {None}),
                CommunityMember.user_id.in_(viewer_ids),
                CommunityMember.state == MembershipState.MEMBER,
            )
        ).all()
    )
    hidden: dict[int, set[int]] = {}
    for viewer_id in viewer_ids:
        for event_id, community_id in members_only.items():
            if (viewer_id, event_id) in hosting:
                continue
            if community_id is None or (viewer_id, community_id) not in members:
                hidden.setdefault(viewer_id, set()).add(event_id)
    return hidden
