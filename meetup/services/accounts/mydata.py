"""My data: everything the platform holds about a person, to take away or erase.

Each table holding a person's data registers a PersonalData entry below: how
its rows appear in the export and how they are erased. tests/test_mydata.py
walks the models and fails when a foreign key to user_account is not covered,
so a new feature cannot forget either. The export's shape is documented in
README.md ("My data"); change EXPORT_VERSION when it changes incompatibly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from meetup.extensions import db
from meetup.models import (
    Block,
    Connection,
    ConnectionRequest,
    Event,
    EventChange,
    EventHost,
    EventStatus,
    Feedback,
    Followup,
    FormerEmail,
    GoalDirection,
    HostInvitation,
    LoginSession,
    OutboxMessage,
    OutboxStatus,
    PersonAction,
    Rsvp,
    RsvpChange,
    StayInTouch,
    SuggestionList,
    User,
    UserGoal,
    UserInterest,
)
from meetup.models.types import utcnow
from meetup.services.accounts import actions
from meetup.services.accounts.accounts import verify_password
from meetup.services.accounts.mentions import erase_mentions
from meetup.services.connections import personal_data
from meetup.services.directory.copies import relist, rename
from meetup.services.events.hosts import hand_over_events
from meetup.services.followups import personal_data as followup_data
from meetup.services.outcomes.feedback import erase_feedback, export_feedback
from meetup.services.rsvps.export import export_replies
from meetup.services.rsvps.replying import forget_person
from meetup.services.suggestions import personal_data as suggestion_data

EXPORT_FORMAT = "meetup.personal-data"
EXPORT_VERSION = 1
DELETED_NAME = "Deleted member"


@dataclass(frozen=True)
class PersonalData:
    """One section of a person's data.

    `references` are the foreign keys to user_account it covers. `keeps_rows`
    says the rows stay after erasure because others own them (an event the
    person created), pointing at the emptied account; otherwise they go.
    """

    section: str
    references: tuple[InstrumentedAttribute[Any], ...]
    export: Callable[[User], Any]
    erase: Callable[[User], None]
    keeps_rows: bool = False


def _export_account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "created_at": user.created_at.isoformat(),
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        "pending_email": user.pending_email,
    }


def _export_profile(user: User) -> dict[str, Any]:
    return {
        "headline": user.headline,
        "company": user.company,
        "bio": user.bio,
        "interests": [interest.name for interest in user.interests],
        "offers": [goal.value for goal in user.goals_in(GoalDirection.OFFERS)],
        "seeks": [goal.value for goal in user.goals_in(GoalDirection.SEEKS)],
        "links": list(user.links),
        "timezone": user.timezone,
    }


def _export_privacy(user: User) -> dict[str, Any]:
    return {
        "profile_visibility": user.profile_visibility.value,
        "listed_in_directories": user.is_listed_in_directories,
        "email_shared_with_connections": user.is_email_shared_with_connections,
        "followup_emails": user.is_followup_email_wanted,
        "calendar_reminder_minutes": user.calendar_alarm_minutes,
    }


def _erase_profile(user: User) -> None:
    db.session.execute(delete(UserInterest).where(UserInterest.user_id == user.id))
    db.session.execute(delete(UserGoal).where(UserGoal.user_id == user.id))
    db.session.expire(user, ["interests", "goals"])
    user.headline = user.company = user.bio = ""
    user.links = []
    user.timezone = "UTC"


def _erase_account(user: User) -> None:
    """Empty the account row; it stays as an anonymous tombstone."""
    user.email = f"deleted-{user.id}@deleted.invalid"
    rename(user, DELETED_NAME)  # replies carry copies (services.directory.copies)
    user.password_hash = "!"  # matches no password
    user.last_login_at = None
    user.deleted_at = utcnow()
    user.is_listed_in_directories = False
    relist(user, listed=False)
    user.is_email_shared_with_connections = False
    user.is_followup_email_wanted = False
    user.feed_token = None  # the calendar feed's address dies with the account
    user.calendar_alarm_minutes = None
    user.pending_email = None


def _export_former_emails(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(FormerEmail).where(FormerEmail.user_id == user.id).order_by(FormerEmail.id)
    )
    return [{"email": row.email, "replaced_at": row.replaced_at.isoformat()} for row in rows]


def _erase_former_emails(user: User) -> None:
    db.session.execute(delete(FormerEmail).where(FormerEmail.user_id == user.id))


def _export_sessions(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id)
    )
    return [
        {
            "browser": row.label,
            "logged_in_at": row.created_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat(),
        }
        for row in rows
    ]


def _erase_sessions(user: User) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


# The account's own messages that name an address it used: sign-up and
# reset links (to the address of the day), confirmations of a change (to the
# new address) and notices of one (to the old address).
_ADDRESS_MESSAGES = ("verify-email", "reset-password", "confirm-email-change", "email-changed")


def person_mail(user: User) -> ColumnElement[bool]:
    """The condition that selects every outbox row about `user`.

    Rows record the member they concern (OutboxMessage.user_id). Rows queued
    before that column existed are found by address: the account's current
    and former addresses, and those named in its own address messages.
    """
    return or_(
        OutboxMessage.user_id == user.id,
        and_(OutboxMessage.user_id.is_(None), _to_addresses(_addresses_of(user))),
    )


def _to_addresses(addresses: set[str]) -> ColumnElement[bool]:
    return OutboxMessage.recipient.in_(sorted(addresses)) if addresses else false()


def _addresses_of(user: User) -> set[str]:
    addresses = {user.email}
    addresses.update(
        db.session.scalars(select(FormerEmail.email).where(FormerEmail.user_id == user.id))
    )
    own = or_(
        *(OutboxMessage.dedupe_key.startswith(f"{kind}:{user.id}:") for kind in _ADDRESS_MESSAGES)
    )
    for recipient, context in db.session.execute(
        select(OutboxMessage.recipient, OutboxMessage.context).where(own)
    ):
        addresses.add(recipient)
        if isinstance(context, dict) and isinstance(context.get("new_email"), str):
            addresses.add(context["new_email"])
    return addresses


def _export_mail(user: User) -> list[dict[str, Any]]:
    messages = db.session.scalars(
        select(OutboxMessage).where(person_mail(user)).order_by(OutboxMessage.id)
    )
    return [
        {
            "to": message.recipient,
            "subject": message.subject,
            "kind": message.template,
            "status": message.status.value,
            "queued_at": message.created_at.isoformat(),
            "sent_at": message.sent_at.isoformat() if message.sent_at else None,
        }
        for message in messages
    ]


def _erase_mail(user: User) -> None:
    """Mail not sent yet goes; mail already sent stays as a count for the
    operator, with nothing left in it that names the person."""
    mine = person_mail(user)
    db.session.execute(delete(OutboxMessage).where(mine, OutboxMessage.status != OutboxStatus.SENT))
    db.session.execute(
        update(OutboxMessage)
        .where(mine)
        .values(
            user_id=None,
            recipient=f"deleted-{user.id}@deleted.invalid",
            subject="",
            context={},
            headers={},
            calendar=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )


def _export_hosting(user: User) -> list[dict[str, Any]]:
    hosts = db.session.scalars(
        select(EventHost).where(EventHost.user_id == user.id).order_by(EventHost.added_at)
    )
    return [
        {
            "event": host.event.title,
            "slug": host.event.slug,
            "role": host.role.value,
            "starts_at": host.event.starts_at.isoformat(),
            "status": host.event.status.value,
        }
        for host in hosts
    ]


def _erase_hosting(user: User) -> None:
    """Nobody is left unable to run an event: see hosts.hand_over_events."""
    hand_over_events(user)
    db.session.execute(delete(EventHost).where(EventHost.user_id == user.id))


def _export_host_invitations(user: User) -> list[dict[str, Any]]:
    """Invitations to co-host sent to the person's address, not yet accepted."""
    invitations = db.session.scalars(
        select(HostInvitation)
        .where(HostInvitation.email == user.email.lower())
        .order_by(HostInvitation.id)
    )
    return [
        {
            "event": invitation.event.title,
            "invited_at": invitation.created_at.isoformat(),
            "expires_at": invitation.expires_at.isoformat(),
        }
        for invitation in invitations
    ]


def _erase_host_invitations(user: User) -> None:
    db.session.execute(delete(HostInvitation).where(HostInvitation.email == user.email.lower()))


def _export_events_created(user: User) -> list[str]:
    return list(
        db.session.scalars(
            select(Event.slug).where(Event.created_by_id == user.id).order_by(Event.id)
        )
    )


def _erase_events_created(user: User) -> None:
    """Drafts only the person hosts go (one with co-hosts is handed over, see
    _erase_hosting). Published events belong to the people who reply too:
    they stay, created by an anonymous account (or handed over)."""
    shared = Event.hosts.any(EventHost.user_id != user.id)
    for draft in db.session.scalars(
        select(Event).where(
            Event.created_by_id == user.id, Event.status == EventStatus.DRAFT, ~shared
        )
    ):
        db.session.delete(draft)


def _export_event_changes(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Event.slug, EventChange.summary, EventChange.changed_at)
        .join(Event, Event.id == EventChange.event_id)
        .where(EventChange.actor_id == user.id)
        .order_by(EventChange.changed_at, EventChange.id)
    )
    return [
        {"event": slug, "summary": summary, "changed_at": changed_at.isoformat()}
        for slug, summary, changed_at in rows
    ]


def _erase_event_changes(user: User) -> None:
    """The events' history stays (their other hosts read it), by nobody."""
    db.session.execute(
        update(EventChange).where(EventChange.actor_id == user.id).values(actor_id=None)
    )


def _erase_replies(user: User) -> None:
    """The person's replies go (their seats to the waitlists); the changes they
    made to others' replies as a host stay, by nobody."""
    forget_person(user)
    db.session.execute(
        update(RsvpChange).where(RsvpChange.actor_id == user.id).values(actor_id=None)
    )


def _erase_nothing(user: User) -> None:
    """Privacy choices live on the account row, emptied with it."""


# Erased in reverse order: the account row last, after what points at it.
REGISTRY: tuple[PersonalData, ...] = (
    PersonalData("account", (), _export_account, _erase_account, keeps_rows=True),
    PersonalData(
        "former_emails", (FormerEmail.user_id,), _export_former_emails, _erase_former_emails
    ),
    # Erased after every other section (which may queue mail, e.g. a hostless
    # event's cancellation), while the account still has its addresses.
    PersonalData("mail", (OutboxMessage.user_id,), _export_mail, _erase_mail),
    PersonalData(
        "profile", (UserInterest.user_id, UserGoal.user_id), _export_profile, _erase_profile
    ),
    PersonalData("privacy", (), _export_privacy, _erase_nothing),
    PersonalData("hosting", (EventHost.user_id,), _export_hosting, _erase_hosting),
    # Invitations name their invitee by address, not by foreign key.
    PersonalData("host_invitations", (), _export_host_invitations, _erase_host_invitations),
    PersonalData(
        "events_created",
        (Event.created_by_id,),
        _export_events_created,
        _erase_events_created,
        keeps_rows=True,
    ),
    PersonalData(
        "event_changes",
        (EventChange.actor_id,),
        _export_event_changes,
        _erase_event_changes,
        keeps_rows=True,
    ),
    PersonalData("replies", (Rsvp.user_id, RsvpChange.actor_id), export_replies, _erase_replies),
    PersonalData("sessions", (LoginSession.user_id,), _export_sessions, _erase_sessions),
    # The answers stay in the hosts' figures, unlinked from the person and
    # unsigned (see erase_feedback): no row points at the account any more.
    PersonalData("feedback", (Feedback.user_id,), export_feedback, erase_feedback),
    PersonalData(
        "connections",
        (Connection.first_id, Connection.second_id),
        personal_data.export_connections,
        personal_data.erase_connections,
    ),
    PersonalData(
        "connection_requests",
        (ConnectionRequest.requester_id, ConnectionRequest.addressee_id),
        personal_data.export_connection_requests,
        personal_data.erase_connection_requests,
    ),
    PersonalData(
        "blocks",
        (Block.blocker_id, Block.blocked_id),
        personal_data.export_blocks,
        personal_data.erase_blocks,
    ),
    PersonalData(
        "stay_in_touch",
        (StayInTouch.ticker_id, StayInTouch.ticked_id),
        personal_data.export_ticks,
        personal_data.erase_ticks,
    ),
    PersonalData(
        "recent_actions",
        (PersonAction.actor_id,),
        actions.export_actions,
        actions.erase_actions,
    ),
    PersonalData(
        "suggestions",
        (SuggestionList.user_id,),
        suggestion_data.export_suggestions,
        suggestion_data.erase_suggestions,
    ),
    PersonalData(
        "followups",
        (Followup.user_id,),
        followup_data.export_followups,
        followup_data.erase_followups,
    ),
)


def export_user_data(user: User) -> dict[str, Any]:
    """Return everything the platform holds about `user`, JSON-ready."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow().isoformat(),
    }
    for entry in REGISTRY:
        data[entry.section] = entry.export(user)
    return data


def delete_account(user: User, *, password: str) -> None:
    """Erase the person: nothing left identifies them; what others own stays.

    :raise InvalidCredentials: `password` is not the account's password.
    """
    verify_password(user, password, field="password")
    # Others' mail that names the person, found through the rows erased below.
    erase_mentions(user)
    for entry in reversed(REGISTRY):
        entry.erase(user)
    db.session.flush()
