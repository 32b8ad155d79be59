"""A person's own standing with communities: the membership box of a
community's page (join, ask, a request pending, a member's choices) and
My communities. What they see is their standing as membership.seen_state
gives it: a block or a declined request looks pending, never refused."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import (
    Community,
    CommunityMail,
    CommunityMember,
    CommunityQuestion,
    MembershipState,
    User,
)
from meetup.services import privacy
from meetup.services.communities.members import LISTING_KEYS, is_admin_column
from meetup.services.communities.membership import seen_state


@dataclass(frozen=True)
class MembershipBox:
    """The join box of a community's page, for its viewer."""

    community: Community
    state: MembershipState | None  # as the viewer sees it (membership.seen_state)
    is_admin: bool
    questions: list[CommunityQuestion]
    is_signed_in: bool
    mail: str  # their choice (CommunityMail's value), when they have a row
    listing: str  # "default", "shown" or "hidden"

    @property
    def is_closed(self) -> bool:
        return not self.community.is_open

    @property
    def asks_questions(self) -> bool:
        return self.community.is_approval_required and bool(self.questions)


def membership_box(viewer: User | None, community: Community) -> MembershipBox:
    """What the viewer sees of their standing with `community`, and may do:
    join (or ask to), their request pending, or their choices as a member."""
    row = privacy.membership_of(viewer, community.id)
    state = seen_state(row)
    return MembershipBox(
        community=community,
        state=state,
        is_admin=privacy.is_admin(viewer, community.id),
        questions=list(community.questions) if community.is_approval_required else [],
        is_signed_in=viewer is not None,
        mail=row.mail.value if row is not None and state else CommunityMail.EACH_EVENT.value,
        listing=LISTING_KEYS[row.is_listed] if row is not None and state else "default",
    )


@dataclass(frozen=True)
class MyCommunity:
    """One of a person's communities on "My communities"."""

    community: Community
    state: MembershipState  # MEMBER or PENDING, as they see it
    is_admin: bool
    mail: str
    listing: str
    is_listed: bool  # what their choice and profile give


def my_communities(person: User) -> list[MyCommunity]:
    """The communities `person` belongs to or asked to join, by name: one
    statement."""
    rows = db.session.execute(
        select(CommunityMember, Community, is_admin_column())
        .join(Community, Community.id == CommunityMember.community_id)
        .where(CommunityMember.user_id == person.id)
        .order_by(func.lower(Community.name), Community.id)
    ).all()
    found = []
    for row, community, is_admin in rows:
        state = seen_state(row)
        if state is None:
            continue
        found.append(
            MyCommunity(
                community=community,
                state=state,
                is_admin=is_admin,
                mail=row.mail.value,
                listing=LISTING_KEYS[row.is_listed],
                is_listed=privacy.is_listed_in_community(row, person),
            )
        )
    return found
