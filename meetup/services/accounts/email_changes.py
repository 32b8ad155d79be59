"""Changing a person's email address: a link to the new address confirms it,
the old address is told and can cancel it, and a change dies with the
password it was asked under (accounts.revoke_credentials)."""

from __future__ import annotations

from datetime import timedelta

from meetup.extensions import db
from meetup.lib.errors import (
    EmailTaken,
    InvalidInput,
)
from meetup.lib.text import normalize_email
from meetup.lib.tokens import read_token
from meetup.models import FormerEmail, User
from meetup.models.types import utcnow
from meetup.services.accounts.credentials import (
    find_user_by_email,
    live_account_in,
    notify,
    password_fingerprint,
    queue_link,
    verify_password,
)
from meetup.services.accounts.sessions import end_all_sessions

CHANGE_EMAIL = "confirm-email-change"
CHANGE_EMAIL_VALID_FOR = timedelta(days=1)
CANCEL_EMAIL_CHANGE = "cancel-email-change"


def request_email_change(user: User, *, password: str, new_email: str) -> str:
    """Mail a confirmation link to the new address; the change waits for it.

    Only the latest request counts, and only while the password stays the
    same. The current address is told at once, with a link that cancels it.

    An address that belongs to another account gets the same answer, and
    its owner a note instead of a link.

    :return: the normalised new address.
    :raise InvalidCredentials: `password` is wrong.
    :raise InvalidInput: the address is invalid or already the account's.
    """
    verify_password(user, password)
    try:
        email = normalize_email(new_email)
    except InvalidInput as error:
        raise InvalidInput(error.message, field="new_email") from None
    if email == user.email:
        raise InvalidInput("This is already your email address.", field="new_email")
    user.pending_email = email
    owner = find_user_by_email(email)
    if owner is None:
        queue_link(
            user,
            to=email,
            purpose=CHANGE_EMAIL,
            payload={
                "user": user.id,
                "old": user.email,
                "new": email,
                "pw": password_fingerprint(user),
            },
            endpoint="auth.confirm_email_change",
            subject="Confirm your new email address",
            valid_for="24 hours",
        )
    else:
        # Answered like a free address, so the form tells nobody who has an
        # account; only the address's owner learns someone tried.
        notify(
            owner, subject="Your address was offered for another account", template="address_in_use"
        )
    queue_link(
        user,
        to=user.email,
        purpose=CANCEL_EMAIL_CHANGE,
        payload={"user": user.id, "new": email},
        endpoint="auth.cancel_email_change",
        subject="A change of your email address was requested",
        valid_for="24 hours",
        context={"new_email": email},
    )
    return email


def confirm_email_change(token: str) -> User:
    """Move the account to the address the link was mailed to, and tell the old one.

    :raise InvalidInput: the link is invalid, expired or already used.
    :raise EmailTaken: someone took the address in the meantime.
    """
    payload = read_token(CHANGE_EMAIL, token, max_age=CHANGE_EMAIL_VALID_FOR)
    user = live_account_in(payload)
    new_email = payload.get("new")
    if (
        user is None
        or user.email != payload.get("old")
        or user.pending_email != new_email
        or payload.get("pw") != password_fingerprint(user)
    ):
        raise InvalidInput("This link has already been used or is no longer valid.")
    if find_user_by_email(new_email) is not None:
        raise EmailTaken("Another account now uses this email address.")
    old_email = user.email
    db.session.add(FormerEmail(user_id=user.id, email=old_email, replaced_at=utcnow()))
    user.email = new_email
    user.pending_email = None
    user.email_verified_at = utcnow()
    notify(
        user,
        to=old_email,
        subject="Your email address was changed",
        template="email_changed",
        context={"new_email": new_email},
    )
    db.session.flush()
    return user


def check_email_change_cancellation(token: str) -> tuple[User, str]:
    """Return the account and the address of the pending change a cancel link
    is for.

    :raise InvalidInput: the link is invalid or expired, or that change is no
        longer pending (confirmed, cancelled, or replaced by another).
    """
    payload = read_token(CANCEL_EMAIL_CHANGE, token, max_age=CHANGE_EMAIL_VALID_FOR)
    user = live_account_in(payload)
    if user is None or user.pending_email is None or user.pending_email != payload.get("new"):
        raise InvalidInput("There is no pending change of address to cancel.")
    return user, user.pending_email


def cancel_email_change_by_link(token: str) -> User:
    """Cancel a pending change of address from the link mailed to the current
    address. Whoever asked for it knew the password, so every session of the
    account ends too: the next step is choosing a new password.

    :raise InvalidInput: as check_email_change_cancellation.
    """
    user, _ = check_email_change_cancellation(token)
    user.pending_email = None
    end_all_sessions(user)
    db.session.flush()
    return user


def cancel_email_change(user: User) -> None:
    """Cancel the person's own pending change of address (from the account page).

    :raise InvalidInput: no change is pending.
    """
    if user.pending_email is None:
        raise InvalidInput("There is no pending change of address to cancel.")
    user.pending_email = None
    db.session.flush()
