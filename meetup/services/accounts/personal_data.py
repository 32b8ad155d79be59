"""The accounts' part of My data: the account row, the profile, privacy
choices, former addresses, login sessions and the mail sent to the person
(services.personal_data registers each section)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, or_, select, update

from meetup.extensions import db
from meetup.models import (
    FormerEmail,
    GoalDirection,
    LoginSession,
    OutboxMessage,
    OutboxStatus,
    User,
    UserGoal,
    UserInterest,
)
from meetup.models.types import utcnow
from meetup.services.accounts.copies import relist, rename

DELETED_NAME = "Deleted member"


def export_account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "created_at": user.created_at.isoformat(),
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        "pending_email": user.pending_email,
    }


def export_profile(user: User) -> dict[str, Any]:
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


def export_privacy(user: User) -> dict[str, Any]:
    return {
        "profile_visibility": user.profile_visibility.value,
        "listed_in_directories": user.is_listed_in_directories,
        "email_shared_with_connections": user.is_email_shared_with_connections,
        "followup_emails": user.is_followup_email_wanted,
        "calendar_reminder_minutes": user.calendar_alarm_minutes,
    }


def erase_profile(user: User) -> None:
    db.session.execute(delete(UserInterest).where(UserInterest.user_id == user.id))
    db.session.execute(delete(UserGoal).where(UserGoal.user_id == user.id))
    db.session.expire(user, ["interests", "goals"])
    user.headline = user.company = user.bio = ""
    user.links = []
    user.timezone = "UTC"


def erase_account(user: User) -> None:
    """Empty the account row; it stays as an anonymous tombstone."""
    user.email = f"deleted-{user.id}@deleted.invalid"
    rename(user, DELETED_NAME)  # replies carry copies (accounts.copies)
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


def export_former_emails(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(FormerEmail).where(FormerEmail.user_id == user.id).order_by(FormerEmail.id)
    )
    return [{"email": row.email, "replaced_at": row.replaced_at.isoformat()} for row in rows]


def erase_former_emails(user: User) -> None:
    db.session.execute(delete(FormerEmail).where(FormerEmail.user_id == user.id))


def export_sessions(user: User) -> list[dict[str, Any]]:
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


def erase_sessions(user: User) -> None:
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


def export_mail(user: User) -> list[dict[str, Any]]:
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


def erase_mail(user: User) -> None:
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


def erase_nothing(user: User) -> None:
    """Privacy choices live on the account row, emptied with it."""
