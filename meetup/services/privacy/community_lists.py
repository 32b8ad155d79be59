"""Who is listed in a community's member list, and who may open it: the one
rule, its Python and SQL forms read off the one definition (as listing does
for an event's list).

A member is *listed* when they chose so for the community
(CommunityMember.is_listed True), or made no choice there (None) and are
listed by default (their directory setting, listing.is_listed_by_default).
An "only me" profile and a deleted account are never listed, whatever the
choice: "only me" means nobody sees them in any list. Listed means the
name; every other field follows profiles.can_see_profile.

Members (state MEMBER) open the list, and it shows them the listed members
but those across a block, either way. The admins' list of members is the
community's management page: it names everyone who has a row (as hosts see
every reply), with their fields as can_see_profile allows.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import and_

from meetup.models import CommunityMember, MembershipState, ProfileVisibility, User
from meetup.services.privacy.blocks import blocked_ids, not_blocked_condition
from meetup.services.privacy.listing import _All, _Any, _Is

_LISTED_IN_COMMUNITY = _All((
    _Is("person", "deleted_at", None),
    _Is("person", "profile_visibility", ProfileVisibility.PRIVATE, negated=True),
    _Any((
        _Is("member", "is_listed", True),
        _All((
            _Is("member", "is_listed", None),
            _Is("person", "is_listed_in_directories", True),
        )),
    )),
))  # fmt: skip


def is_listed_in_community(member: CommunityMember, person: User) -> bool:
    """Is `member`'s person (`person`) listed in the community's member list,
    to whoever may open it (blocks aside)?"""
    return _LISTED_IN_COMMUNITY.holds({"member": member, "person": person})


@cache  # one immutable SQL expression, built once
def community_listed_condition() -> Any:
    """SQL over CommunityMember joined to its User: is_listed_in_community."""
    return _LISTED_IN_COMMUNITY.condition({"member": CommunityMember, "person": User})


def may_open_member_list(membership: CommunityMember | None) -> bool:
    """May the person whose row for the community is `membership` open its
    member list? Members only: a request, a removal or a block opens nothing."""
    return membership is not None and membership.state == MembershipState.MEMBER


def member_list_shows(viewer: User, member: CommunityMember, person: User) -> bool:
    """Does the member list show `person` (their row `member`) to `viewer`, a
    member? A member listed, not across a block."""
    return (
        member.state == MembershipState.MEMBER
        and is_listed_in_community(member, person)
        and (person.id == viewer.id or person.id not in blocked_ids(viewer))
    )


def member_list_condition(viewer: User) -> Any:
    """SQL over CommunityMember joined to its User: member_list_shows for `viewer`."""
    return and_(
        CommunityMember.state == MembershipState.MEMBER,
        community_listed_condition(),
        not_blocked_condition(viewer),
    )
