"""One-click unsubscribe from a community's mail (RFC 8058, meetup.lib.unsubscribe).

Every message a community sends (announcements, digests, its admins'
messages) carries a signed link naming its recipient and the community. A GET
shows a confirmation page; a POST, with no session and no CSRF token, sets
their mail choice for that community to "nothing" (and touches no other
community, nor their membership).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from meetup.extensions import db
from meetup.lib.unsubscribe import LIFETIME, read_link, signed_links
from meetup.models import Community, CommunityMail, CommunityMember, MembershipState, User

PURPOSE = "unsubscribe-community"
ENDPOINT = "communities.unsubscribe_page"


def unsubscribe_links(community_id: int) -> Callable[[int], str]:
    """The signed one-click link of each person, for one community's mail
    (one signer for a job's many recipients)."""
    link = signed_links(PURPOSE, ENDPOINT)
    return lambda person_id: link({"user": person_id, "community": community_id})


@dataclass(frozen=True)
class CommunityUnsubscribe:
    """What a link turned out to be: the community and the person's
    membership of it (None once they are not a member), or why it does not work."""

    community: Community | None
    membership: CommunityMember | None = None
    problem: str = ""

    @property
    def is_receiving(self) -> bool:
        """Does the community still mail them anything?"""
        return self.membership is not None and self.membership.mail != CommunityMail.NOTHING


def read_unsubscribe_link(token: str) -> CommunityUnsubscribe:
    """The community and the person an unsubscribe link names (a forged or
    expired link, a deleted account or community: no community, and the
    reason to show)."""
    payload, problem = read_link(PURPOSE, token, lifetime=LIFETIME)
    if problem:
        return CommunityUnsubscribe(None, problem=problem)
    person_id, community_id = payload.get("user"), payload.get("community")
    if not isinstance(person_id, int) or not isinstance(community_id, int):
        return CommunityUnsubscribe(None, problem="This link is not valid.")
    person = db.session.get(User, person_id)
    if person is None or person.deleted_at is not None:
        return CommunityUnsubscribe(
            None, problem="This link is for an account that no longer exists."
        )
    community = db.session.get(Community, community_id)
    if community is None:
        return CommunityUnsubscribe(None, problem="This community no longer exists.")
    membership = db.session.get(CommunityMember, (community_id, person_id))
    if membership is not None and membership.state != MembershipState.MEMBER:
        # Removed, blocked or declined since: they are told what the
        # community's page tells them (not a member), and nothing changes.
        membership = None
    return CommunityUnsubscribe(community, membership)


def unsubscribe(token: str) -> CommunityUnsubscribe:
    """Set the mail choice of the person the link names, for its community,
    to nothing (again, or after they left: no change)."""
    link = read_unsubscribe_link(token)
    if link.membership is not None:
        link.membership.mail = CommunityMail.NOTHING
    return link
