"""A community's admins: invitations, stepping down, removal, and the
admins as the hosts of the community's events.

Admins are all equal (as Luma's team calendars): any admin invites another
by email (as a co-host is invited: a hashed token, an expiry, accepted by
the person with that confirmed address), removes another, or steps down;
nobody removes the last one, so nobody's leaving strands a community. The
last admin of an open community cannot delete their account either
(`last_admin_refusal`, asked by account deletion).

The admins host the community's events: whoever becomes an admin becomes a
co-host of each of them, and whoever stops being one stops hosting them
(where they created an event, the longest-serving admin who hosts it
becomes its creator: hosting.hosts.leave_hosts, the rule of a host leaving).
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound, PermissionDenied
from meetup.lib.text import in_words, normalize_email
from meetup.lib.tokens import token_digest
from meetup.lib.urls import external_url
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityAdminInvitation,
    CommunityEvent,
    CommunityMail,
    CommunityMember,
    CommunityStatus,
    Event,
    EventHost,
    HostRole,
    MembershipState,
    User,
)
from meetup.models.types import utcnow
from meetup.outbox import Mail, queue_mail
from meetup.services import privacy
from meetup.services.accounts.credentials import find_user_by_email
from meetup.services.communities.lookup import (
    is_admin,
    lock_as_admin,
    require_admin,
    require_open,
)
from meetup.services.hosting.hosts import INVITATION_DAYS, invitee_refusal, leave_hosts

INVITATIONS_PER_HOUR = 10  # per admin, on the web form: no guessing in bulk
LAST_ADMIN = "You are the last admin: hand the community to another admin or close it first."
WITHDRAWN = "This invitation has expired or was withdrawn."


# The admins page


@dataclass(frozen=True)
class AdminRow:
    user_id: int
    display_name: str
    added_at: datetime
    is_viewer: bool
    # "step_down" (the viewer), "remove" (another admin), or None: the last one.
    removal: str | None


@dataclass(frozen=True)
class AdminsPage:
    community: Community
    admins: list[AdminRow]
    pending: list[CommunityAdminInvitation]
    can_invite: bool  # an open community
    viewer_is_last: bool  # the viewer is the only admin: say how to hand it on


def admins_page(viewer: User, community: Community, *, now: datetime | None = None) -> AdminsPage:
    """What the admins page shows `viewer`, an admin: the admins in the
    order they joined, with who may be removed, and the invitations still
    waiting.

    :raise PermissionDenied: `viewer` is not an admin.
    """
    require_admin(viewer, community)
    rows = db.session.execute(
        select(CommunityAdmin.user_id, User.display_name, CommunityAdmin.added_at)
        .join(User, User.id == CommunityAdmin.user_id)
        .where(CommunityAdmin.community_id == community.id)
        .order_by(CommunityAdmin.added_at, CommunityAdmin.user_id)
    ).all()
    several = len(rows) > 1
    admins = [
        AdminRow(
            user_id,
            name,
            added_at,
            user_id == viewer.id,
            removal=None if not several else "step_down" if user_id == viewer.id else "remove",
        )
        for user_id, name, added_at in rows
    ]
    pending = list(
        db.session.scalars(
            select(CommunityAdminInvitation)
            .where(
                CommunityAdminInvitation.community_id == community.id,
                CommunityAdminInvitation.expires_at > (now or utcnow()),
            )
            .order_by(CommunityAdminInvitation.created_at, CommunityAdminInvitation.id)
        )
    )
    return AdminsPage(community, admins, pending, community.is_open, not several)


# Invitations


def invite_admin(
    actor: User, community: Community, *, email: str, now: datetime | None = None
) -> str:
    """Invite the address to become an admin and queue the email. The same
    answer for every address (no oracle); a new invitation to an address
    replaces the old one.

    :return: the token of the emailed link (for the CLI and the demo).
    :raise PermissionDenied: `actor` is not an admin.
    :raise InvalidInput: not an email address (field "email"), or the community closed.
    """
    require_admin(actor, community)
    require_open(community, field="email")
    address = normalize_email(email)
    now = now or utcnow()
    db.session.execute(
        delete(CommunityAdminInvitation).where(
            CommunityAdminInvitation.community_id == community.id,
            CommunityAdminInvitation.email == address,
        )
    )
    token = secrets.token_urlsafe(32)
    invitation = CommunityAdminInvitation(
        community_id=community.id,
        email=address,
        invited_by_id=actor.id,
        token_hash=token_digest(token),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    invitee = find_user_by_email(address)
    if invitee is not None and invitee.id in privacy.blocked_ids(actor):
        return token  # made all the same (a block is silent), never mailed nor accepted
    queue_mail(
        Mail(
            to=address,
            user_id=invitee.id if invitee is not None else None,
            subject=f"Would you help run “{community.name}”?",
            template="community_admin_invitation",
            dedupe_key=f"community-admin-invitation:{invitation.token_hash}",
            context={
                "inviter": actor.display_name,
                "community_name": community.name,
                "url": external_url("communities.admin_invitation", token=token),
                "community_url": external_url("communities.page", slug=community.slug),
                "valid_for": f"{INVITATION_DAYS} days",
            },
        )
    )
    return token


def revoke_admin_invitation(actor: User, community: Community, *, invitation_id: int) -> None:
    """:raise PermissionDenied: not an admin. :raise NotFound: no such invitation."""
    require_admin(actor, community)
    invitation = db.session.get(CommunityAdminInvitation, invitation_id)
    if invitation is None or invitation.community_id != community.id:
        raise NotFound("There is no such invitation.")
    db.session.delete(invitation)
    db.session.flush()


@dataclass(frozen=True)
class AdminInvitationPage:
    invitation: CommunityAdminInvitation
    refusal: str | None  # why the visitor may not accept it, or None


def admin_invitation_page(
    actor: User, token: str, *, now: datetime | None = None, lock: bool = False
) -> AdminInvitationPage:
    """The invitation behind an emailed link, as `actor` meets it (`lock`:
    the community's row, then the invitation's, locked, for accepting).

    :raise NotFound: no such token, revoked, expired, its community closed,
        or the invitee and the inviter blocked each other (in the same words).
    """
    statement = select(CommunityAdminInvitation).where(
        CommunityAdminInvitation.token_hash == token_digest(token or "")
    )
    if lock:  # the community first, as closing and removing admins take it
        its_community = statement.with_only_columns(
            CommunityAdminInvitation.community_id
        ).scalar_subquery()
        db.session.scalars(  # read to the end: the row is refreshed as it is fetched
            select(Community)
            .where(Community.id == its_community)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        statement = statement.with_for_update().execution_options(populate_existing=True)
    invitation = db.session.scalar(statement)
    if (
        invitation is None
        or invitation.expires_at <= (now or utcnow())
        or not invitation.community.is_open
        or _blocked_apart(invitation)
    ):
        raise NotFound(WITHDRAWN)
    return AdminInvitationPage(invitation, invitee_refusal(actor, invitation))  # type: ignore[arg-type]


def _blocked_apart(invitation: CommunityAdminInvitation) -> bool:
    invitee = find_user_by_email(invitation.email)
    return (
        invitee is not None
        and invitation.invited_by_id is not None
        and invitation.invited_by_id in privacy.blocked_ids(invitee)
    )


def accept_admin_invitation(actor: User, token: str, *, now: datetime | None = None) -> Community:
    """Make `actor` an admin (and a member) of the invitation's community and
    a co-host of its events; the invitation is used up.

    :raise NotFound: the invitation does not work (see admin_invitation_page).
    :raise PermissionDenied: `actor` is not the person with the invited, confirmed address.
    """
    now = now or utcnow()
    page = admin_invitation_page(actor, token, now=now, lock=True)
    if page.refusal is not None:
        raise PermissionDenied(page.refusal)
    community = page.invitation.community
    if not is_admin(actor, community):
        db.session.add(CommunityAdmin(community_id=community.id, user_id=actor.id, added_at=now))
        _make_member(community, actor, now=now)
        host_community_events(community, actor, now=now)
    db.session.delete(page.invitation)
    db.session.flush()
    return community


def _make_member(community: Community, person: User, *, now: datetime) -> None:
    """Admins are members: whatever their row said (pending, removed...)."""
    row = privacy.membership_of(person, community.id)
    if row is None:
        row = CommunityMember(
            community_id=community.id,
            user_id=person.id,
            mail=CommunityMail.EACH_EVENT,
            requested_at=now,
        )
        db.session.add(row)
    if row.state != MembershipState.MEMBER:
        row.state = MembershipState.MEMBER
        row.joined_at = now
        row.decided_at = now


# Leaving


def step_down(actor: User, community: Community) -> None:
    """`actor` stops being an admin (they stay a member).

    :raise PermissionDenied: not an admin. :raise InvalidInput: the last admin.
    """
    remove_admin(actor, community, user_id=actor.id)


def remove_admin(actor: User, community: Community, *, user_id: int) -> None:
    """An admin removes another admin, or themselves (steps down); either
    stops hosting the community's events. Never the last admin.

    :raise PermissionDenied: `actor` is not an admin.
    :raise NotFound: that person is not an admin.
    :raise InvalidInput: they are the last admin.
    """
    require_admin(actor, community)
    lock_as_admin(actor, community)  # two admins removing each other: one of them stays
    row = next((admin for admin in community.admins if admin.user_id == user_id), None)
    if row is None:
        raise NotFound("This person is not an admin of the community.")
    if len(community.admins) == 1:
        raise InvalidInput(
            LAST_ADMIN if user_id == actor.id else "A community keeps at least one admin."
        )
    community.admins.remove(row)
    db.session.flush()
    remaining = [admin.user_id for admin in community.admins]
    stop_hosting_community_events(community, user_id, heirs=remaining)


# The admins as hosts


def community_events(community: Community) -> list[Event]:
    """The community's events with their hosts (and the hosts' people)."""
    return list(
        db.session.scalars(
            select(Event)
            .join(CommunityEvent, CommunityEvent.event_id == Event.id)
            .where(CommunityEvent.community_id == community.id)
            .options(selectinload(Event.hosts).selectinload(EventHost.user))
            .order_by(Event.id)
        )
    )


def host_community_events(
    community: Community, person: User, *, now: datetime | None = None
) -> None:
    """A new admin co-hosts each of the community's events they do not host yet."""
    for event in community_events(community):
        add_cohost(event, person, now=now)


def add_cohost(event: Event, person: User, *, now: datetime | None = None) -> None:
    """`person` co-hosts `event` (hosts loaded), unless they host it already."""
    if not any(host.user_id == person.id for host in event.hosts):
        event.hosts.append(EventHost(user=person, role=HostRole.COHOST, added_at=now or utcnow()))


def stop_hosting_community_events(
    community: Community, person_id: int, *, heirs: Collection[int]
) -> None:
    """A former admin stops hosting the community's events; where they
    created one, the longest-serving of `heirs` (the admins left) who hosts
    it becomes its creator."""
    for event in community_events(community):
        leave_hosts(event, person_id, heirs_first=heirs)
    db.session.flush()


# Account deletion


def last_admin_refusal(person: User) -> str | None:
    """Why `person` may not delete their account: they are the only admin of
    an open community (named), which would be left to nobody; None when
    nothing holds them."""
    admins = (
        select(func.count())
        .where(CommunityAdmin.community_id == Community.id)
        .correlate(Community)
        .scalar_subquery()
    )
    names = list(
        db.session.scalars(
            select(Community.name)
            .join(CommunityAdmin, CommunityAdmin.community_id == Community.id)
            .where(
                CommunityAdmin.user_id == person.id,
                Community.status == CommunityStatus.OPEN,
                admins == 1,
            )
            .order_by(Community.name)
        )
    )
    if not names:
        return None
    quoted = in_words([f"“{name}”" for name in names])
    noun = "community" if len(names) == 1 else "communities"
    return (
        f"You are the last admin of {quoted}: hand the {noun} to another admin or close "
        f"{'it' if len(names) == 1 else 'them'} before deleting your account."
    )


def require_not_last_admin(person: User) -> None:
    """:raise InvalidInput: see last_admin_refusal."""
    refusal = last_admin_refusal(person)
    if refusal is not None:
        raise InvalidInput(refusal)
