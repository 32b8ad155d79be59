"""An event's hosts: invitations to co-host, stepping down, removal, and who
runs the event when a host's account goes.

Rights (README "Who may do what on an event", docs/architecture.md): only the creator
invites, revokes and removes co-hosts; a co-host may step down. Nobody is made
a host without consent: an invitation goes to an address, and the person with
that confirmed address accepts it within INVITATION_DAYS. Until then they are
shown nowhere; only the creator sees the pending invitation, by the address
they typed. Inviting answers the same whatever the address (no oracle).

An invitation is only as good as its event and its inviter: cancelling the
event closes it (`events.close_host_invitations`: the link then says the
event was cancelled), the creator leaving voids it
(`events.void_host_invitations`), each in that change's transaction, and
accepting checks again, under the event's and the row's locks, that the
event still runs under the creator who invited and that the two have not
blocked each other (silently: the same answer as a withdrawn one).
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound, PermissionDenied
from meetup.lib.text import normalize_email
from meetup.lib.tokens import token_digest
from meetup.lib.urls import external_url
from meetup.models import Event, EventHost, EventStatus, HostInvitation, HostRole, User
from meetup.models.types import utcnow
from meetup.outbox import Mail, queue_mail
from meetup.services import privacy
from meetup.services.accounts.credentials import find_user_by_email
from meetup.services.events.event_mail import event_context
from meetup.services.events.lookup import is_creator, is_host, require_creator, require_host
from meetup.services.hosting.lifecycle import mark_cancelled, void_host_invitations

INVITATION_DAYS = 7
INVITATIONS_PER_HOUR = 10  # per creator, on the web form: no guessing in bulk
HOSTLESS_MESSAGE = "Its host has left Meetup, so the event cannot go ahead."
WITHDRAWN = "This invitation has expired or was withdrawn."
CANCELLED_REFUSAL = (
    "This event was cancelled, so it needs no more hosts: this invitation no longer works."
)


# The hosts page


@dataclass(frozen=True)
class HostRow:
    """One host as the hosts page lists them, with what the viewer may do."""

    user_id: int
    display_name: str
    role_label: str
    # "remove" (the creator, for a co-host), "step_down" (a co-host, for
    # themselves), or None.
    removal: str | None


@dataclass(frozen=True)
class HostsPage:
    hosts: list[HostRow]
    can_invite: bool
    pending: list[HostInvitation]


def hosts_page(viewer: User, event: Event, *, now: datetime | None = None) -> HostsPage:
    """What the hosts page shows `viewer`, a host of `event` (hosts loaded
    with their users).

    :raise PermissionDenied: `viewer` does not host the event.
    """
    require_host(viewer, event)
    viewer_is_creator = is_creator(viewer, event)
    rows = []
    for host in sorted(event.hosts, key=lambda host: (host.added_at, host.user_id)):
        removal = None
        if host.role == HostRole.COHOST:
            if host.user_id == viewer.id:
                removal = "step_down"
            elif viewer_is_creator:
                removal = "remove"
        role_label = "creator" if host.role == HostRole.CREATOR else "co-host"
        rows.append(HostRow(host.user_id, host.user.display_name, role_label, removal))
    pending = pending_invitations(viewer, event, now=now) if viewer_is_creator else []
    return HostsPage(hosts=rows, can_invite=viewer_is_creator, pending=pending)


# Invitations


def invite_cohost(actor: User, event: Event, *, email: str, now: datetime | None = None) -> str:
    """Invite the address to co-host `event` and queue the email. The same for
    every address: a member's, a stranger's, a host's (they may accept again,
    which changes nothing). A new invitation to the same address replaces the
    old one.

    :return: the token of the link in the email (for the CLI and the demo).
    :raise PermissionDenied: `actor` is not the creator.
    :raise InvalidInput: not an email address (field "email").
    """
    require_creator(actor, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidInput("This event is cancelled: it needs no more hosts.")
    try:
        address = normalize_email(email)
    except InvalidInput as error:
        raise InvalidInput(error.message, field="email") from None
    now = now or utcnow()
    db.session.execute(
        delete(HostInvitation).where(
            HostInvitation.event_id == event.id, HostInvitation.email == address
        )
    )
    token = secrets.token_urlsafe(32)
    invitation = HostInvitation(
        event=event,
        email=address,
        token_hash=token_digest(token),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    invitee = find_user_by_email(address)
    if invitee is not None and invitee.id in privacy.blocked_ids(actor):
        # The row is made all the same: the creator's page answers and lists
        # it as for anyone (a block is silent), and it can never be accepted.
        return token
    queue_mail(
        Mail(
            to=address,
            user_id=invitee.id if invitee is not None else None,
            subject=f"Would you co-host “{event.title}”?",
            template="host_invitation",
            # Not the row's id: SQLite gives a deleted row's id to the next one.
            dedupe_key=f"host-invitation:{invitation.token_hash}",
            context=event_context(event)
            | {
                "inviter": actor.display_name,
                "url": external_url("hosting.host_invitation", token=token),
                "event_url": external_url("events.detail", slug=event.slug),
                "valid_for": f"{INVITATION_DAYS} days",
            },
        )
    )
    return token


def pending_invitations(
    actor: User, event: Event, *, now: datetime | None = None
) -> list[HostInvitation]:
    """The invitations nobody accepted yet that still work, oldest first: for
    the creator only.

    :raise PermissionDenied: `actor` is not the creator.
    """
    require_creator(actor, event)
    return list(
        db.session.scalars(
            select(HostInvitation)
            .where(
                HostInvitation.event_id == event.id, HostInvitation.expires_at > (now or utcnow())
            )
            .order_by(HostInvitation.created_at, HostInvitation.id)
        )
    )


def revoke_host_invitation(actor: User, event: Event, *, invitation_id: int) -> None:
    """:raise PermissionDenied: not the creator. :raise NotFound: no such invitation."""
    require_creator(actor, event)
    invitation = db.session.get(HostInvitation, invitation_id)
    if invitation is None or invitation.event_id != event.id:
        raise NotFound("There is no such invitation.")
    db.session.delete(invitation)
    db.session.flush()


def find_host_invitation(
    token: str, *, now: datetime | None = None, lock: bool = False
) -> HostInvitation:
    """The invitation behind an emailed link, while it works (`lock`: the
    row locked until the transaction ends, for accepting).

    :raise NotFound: no such token, revoked, accepted already, expired, or
        its creator is no longer one of its hosts.
    """
    statement = select(HostInvitation).where(HostInvitation.token_hash == token_digest(token or ""))
    if lock:  # two accepts, or an accept and a cancellation, one after the other
        # The event's row first, as cancelling takes it (then its
        # invitations'): one order on both sides, or they deadlock.
        its_event = statement.with_only_columns(HostInvitation.event_id).scalar_subquery()
        db.session.execute(
            select(Event)
            .where(Event.id == its_event)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        statement = statement.with_for_update().execution_options(populate_existing=True)
    invitation = db.session.scalar(statement)
    if invitation is None:
        raise NotFound(WITHDRAWN)
    event = invitation.event
    # A cancelled event's invitations were closed with it: the page says so.
    if event.status != EventStatus.CANCELLED and invitation.expires_at <= (now or utcnow()):
        raise NotFound(WITHDRAWN)
    if not any(host.user_id == event.created_by_id for host in event.hosts):
        raise NotFound(WITHDRAWN)  # its inviter left: nobody stands behind it
    return invitation


@dataclass(frozen=True)
class InvitationPage:
    """What the emailed link shows its visitor."""

    invitation: HostInvitation
    # Why the visitor may not accept, or None when they may.
    refusal: str | None
    # The event takes no more hosts (cancelled), whoever asks.
    is_closed: bool = False


def host_invitation_page(
    actor: User, token: str, *, now: datetime | None = None, lock: bool = False
) -> InvitationPage:
    """The invitation as `actor` meets it: the one check for the page and
    for accepting.

    :raise NotFound: see find_host_invitation; also when the invitee and the
        creator blocked each other, in the same words (a block is silent).
    """
    invitation = find_host_invitation(token, now=now, lock=lock)
    if invitation.event.status == EventStatus.CANCELLED:
        return InvitationPage(invitation, CANCELLED_REFUSAL, is_closed=True)
    if _blocked_apart(invitation):
        raise NotFound(WITHDRAWN)
    return InvitationPage(invitation, invitee_refusal(actor, invitation))


def _blocked_apart(invitation: HostInvitation) -> bool:
    """Did the creator and the account of the invited address block each
    other (either way)? The link is then void for whoever opens it, with a
    withdrawal's answer: another account's "sent to another address" would
    tell a block apart."""
    invitee = find_user_by_email(invitation.email)
    return invitee is not None and invitation.event.created_by_id in privacy.blocked_ids(invitee)


def invitee_refusal(actor: User, invitation: HostInvitation) -> str | None:
    """Why `actor` may not accept `invitation` (not the invited, confirmed
    address), or None when they may."""
    if actor.deleted_at is not None or actor.email.lower() != invitation.email:
        return (
            "This invitation was sent to another email address. Log in with the "
            "account that uses it, or sign up with it."
        )
    if not actor.is_verified:
        return "Confirm your email address first (follow the link we sent you), then accept."
    return None


def accept_host_invitation(actor: User, token: str, *, now: datetime | None = None) -> Event:
    """Make `actor` a co-host of the invitation's event; the invitation is used up.

    :raise NotFound: the invitation does not work any more (see host_invitation_page).
    :raise InvalidInput: the event was cancelled.
    :raise PermissionDenied: `actor` is not the person with the invited, confirmed address.
    """
    page = host_invitation_page(actor, token, now=now, lock=True)
    if page.is_closed:
        raise InvalidInput(CANCELLED_REFUSAL)
    if page.refusal is not None:
        raise PermissionDenied(page.refusal)
    invitation = page.invitation
    event = invitation.event
    if not is_host(actor, event):
        event.hosts.append(EventHost(user=actor, role=HostRole.COHOST, added_at=now or utcnow()))
    db.session.delete(invitation)
    db.session.flush()
    return event


# Leaving


def remove_cohost(actor: User, event: Event, *, user_id: int) -> None:
    """The creator removes a co-host, or a co-host steps down (removes themselves).

    :raise PermissionDenied: someone else's removal, and `actor` is not the creator.
    :raise NotFound: that person is not a co-host.
    """
    if actor.id != user_id:
        require_creator(actor, event)
    elif not is_host(actor, event):
        raise PermissionDenied("Only the hosts of this event can do that.")
    host = next(
        (h for h in event.hosts if h.user_id == user_id and h.role == HostRole.COHOST), None
    )
    if host is None:
        raise NotFound("This person is not a co-host of the event.")
    event.hosts.remove(host)
    db.session.flush()


def hand_over_events(person: User, *, now: datetime | None = None) -> None:
    """`person`'s account goes: nobody may be left unable to run their events.

    Where they created the event, the longest-serving co-host becomes its
    creator. An upcoming published event with no host left is cancelled the
    usual way (one email to each person replying, with the calendar CANCEL);
    a past one keeps its history, hostless. Drafts are erased with the
    account (services.personal_data). Call it before the person's host rows are deleted.
    """
    now = now or utcnow()
    hosted = db.session.scalars(
        select(Event).join(EventHost).where(EventHost.user_id == person.id).order_by(Event.id)
    ).all()
    for event in hosted:  # a handful: a person hosts few events
        if leave_hosts(event, person.id):
            continue
        if event.status == EventStatus.PUBLISHED and event.ends_at > now:
            mark_cancelled(event, message=HOSTLESS_MESSAGE, now=now)
    db.session.flush()


def leave_hosts(event: Event, person_id: int, *, heirs_first: Collection[int] = ()) -> bool:
    """The person stops hosting `event` (hosts loaded), whoever decides it
    (their account going, a community they no longer run). Where they
    created it, the longest-serving other host becomes its creator (among
    `heirs_first` when one of them hosts), and the invitations they made go
    void: the heir never made them.

    :return: whether the event still has a host.
    """
    mine = next((host for host in event.hosts if host.user_id == person_id), None)
    others = [host for host in event.hosts if host.user_id != person_id]
    if mine is None:
        return bool(others)
    event.hosts.remove(mine)
    if event.created_by_id == person_id or mine.role == HostRole.CREATOR:
        void_host_invitations(event)
        if others:
            preferred = [host for host in others if host.user_id in heirs_first] or others
            heir = min(preferred, key=lambda host: (host.added_at, host.user_id))
            heir.role = HostRole.CREATOR
            event.created_by_id = heir.user_id
            event.created_by = heir.user
    return bool(others)
