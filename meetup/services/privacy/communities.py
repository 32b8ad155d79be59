"""Who belongs to a community: the membership facts every domain asks
(members-only events, member lists, announcements), over the models alone.

A person is a member when their row says MEMBER; pending, declined, removed
and blocked people are not (and are not told which they are: declining,
removing and blocking are silent). Admins hold a member row too.
"""

from __future__ import annotations

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import CommunityAdmin, CommunityMember, MembershipState, User


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
