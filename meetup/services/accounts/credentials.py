"""Accounts: sign up, log in, and the credentials that guard them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from meetup.extensions import db
from meetup.lib.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidInput,
    PermissionDenied,
)
from meetup.lib.text import clean_line, normalize_email
from meetup.lib.tokens import make_token, read_token
from meetup.lib.urls import external_url
from meetup.models import User
from meetup.models.types import utcnow
from meetup.models.user import DISPLAY_NAME_MAX_LENGTH
from meetup.outbox import Mail, queue_mail
from meetup.services.accounts.sessions import end_all_sessions, end_other_sessions

PASSWORD_MIN_LENGTH = 10
# Long enough for any passphrase, short enough that hashing stays cheap.
PASSWORD_MAX_LENGTH = 128


VERIFY_EMAIL = "verify-email"
VERIFY_EMAIL_VALID_FOR = timedelta(days=3)
RESET_PASSWORD = "reset-password"
RESET_PASSWORD_VALID_FOR = timedelta(hours=1)


def register_user(*, email: str, display_name: str, password: str) -> User:
    """Create an account.

    :raise InvalidInput: a field breaks its rules.
    :raise EmailTaken: the address belongs to another account.
    """
    email = normalize_email(email)
    display_name = clean_display_name(display_name)
    check_password_rules(password, field="password")
    if find_user_by_email(email) is not None:
        raise EmailTaken("An account with this email address already exists.", field="email")
    user = User(email=email, display_name=display_name, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(*, email: str, display_name: str, password: str) -> str:
    """Create an account and mail the link that confirms its address.

    Whether the address already has an account shows only in the mail that
    address receives (a reminder that it has one, with links to log in and
    to reset the password): the person signing up sees the same answer, and
    waits about as long, either way.

    :return: the normalised address, for the answer.
    :raise InvalidInput: a field breaks its rules.
    """
    normalized = normalize_email(email)
    clean_display_name(display_name)
    check_password_rules(password, field="password")
    existing = find_user_by_email(normalized)
    if existing is None:
        user = register_user(email=normalized, display_name=display_name, password=password)
        send_verification_email(user, reason="signup")
        return normalized
    hash_password(password)  # the time a new account would have taken
    if existing.is_active:
        notify(
            existing,
            subject="You already have an account",
            template="account_exists",
            context={
                "login_url": external_url("auth.login"),
                "reset_url": external_url("auth.forgot_password"),
            },
        )
    return normalized


def send_verification_email(user: User, *, reason: str) -> bool:
    """Queue the confirmation link for the account's address.

    `reason` ("signup", or a unique string per resend) is part of the dedupe
    key: sign-up mails once, each resend once.
    """
    return queue_link(
        user,
        to=user.email,
        purpose=VERIFY_EMAIL,
        payload={"user": user.id, "email": user.email},
        endpoint="auth.verify_email",
        subject="Confirm your email address",
        valid_for="3 days",
        dedupe=reason,
    )


def verify_email(token: str) -> User:
    """Mark the address in the token as confirmed.

    :raise InvalidInput: the link is invalid, expired, or for an old address.
    """
    payload = read_token(VERIFY_EMAIL, token, max_age=VERIFY_EMAIL_VALID_FOR)
    user = live_account_in(payload)
    if user is None or user.email != payload.get("email"):
        raise InvalidInput("This link is for an address that is no longer on the account.")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def require_verified(user: User) -> None:
    """:raise PermissionDenied: the person has not confirmed their email address yet."""
    if not user.is_verified:
        raise PermissionDenied(
            "Confirm your email address first: follow the link we mailed to you."
        )


def authenticate(*, email: str, password: str) -> User:
    """Return the account these credentials open, and note the login.

    The answer, and the time it takes, are the same for an unknown address and
    a wrong password, so logging in reveals nothing about who has an account.

    :raise InvalidCredentials: no account matches.
    """
    try:
        user = find_user_by_email(normalize_email(email))
    except InvalidInput:
        user = None
    if user is not None and not user.is_active:
        user = None
    stored_hash = user.password_hash if user is not None else _dummy_hash()
    if not check_password_hash(stored_hash, password or "") or user is None:
        raise InvalidCredentials("The email address or password is incorrect.")
    user.last_login_at = utcnow()
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    """Set a new password; every other session of the account is logged out,
    and every pending email change and reset link dies with the old password.

    :raise InvalidCredentials: `current_password` is wrong.
    :raise InvalidInput: the new password breaks the rules.
    """
    verify_password(user, current_password)
    check_password_rules(new_password, field="new_password")
    user.password_hash = hash_password(new_password)
    revoke_credentials(user)
    end_other_sessions(user)
    db.session.flush()


def request_password_reset(email: str) -> None:
    """Mail a reset link if an account has this address; say nothing either way."""
    try:
        user = find_user_by_email(normalize_email(email))
    except InvalidInput:
        return
    if user is None or not user.is_active:
        return
    queue_link(
        user,
        to=user.email,
        purpose=RESET_PASSWORD,
        payload={"user": user.id, "pw": password_fingerprint(user), "email": user.email},
        endpoint="auth.reset_password",
        subject="Reset your password",
        valid_for="1 hour",
    )


def check_reset_token(token: str) -> User:
    """Return the account a reset link is for.

    :raise InvalidInput: the link is invalid, expired, or already used (the
        password changed since it was made, which also makes it single-use),
        or it was mailed to an address the account no longer has.
    """
    payload = read_token(RESET_PASSWORD, token, max_age=RESET_PASSWORD_VALID_FOR)
    user = live_account_in(payload)
    if (
        user is None
        or payload.get("pw") != password_fingerprint(user)
        or payload.get("email") != user.email
    ):
        raise InvalidInput("This link has already been used or is no longer valid.")
    return user


def reset_password(token: str, *, new_password: str) -> User:
    """Set a new password from a reset link; every session of the account
    ends, and a pending change of address with it.

    Following the link proves the address too.

    :raise InvalidInput: the link is not valid, or the password breaks the rules.
    """
    user = check_reset_token(token)
    check_password_rules(new_password, field="new_password")
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    revoke_credentials(user)
    end_all_sessions(user)
    db.session.flush()
    return user


def queue_link(
    user: User,
    *,
    to: str,
    purpose: str,
    payload: dict,
    endpoint: str,
    subject: str,
    valid_for: str,
    dedupe: str | None = None,
    context: dict | None = None,
) -> bool:
    """Queue a mail carrying a signed link for `purpose`; the template is named
    after the purpose, and each call is a new message unless `dedupe` says not."""
    token = make_token(purpose, payload)
    return queue_mail(
        Mail(
            to=to,
            subject=subject,
            template=purpose.replace("-", "_"),
            dedupe_key=f"{purpose}:{user.id}:{dedupe or secrets.token_hex(8)}",
            user_id=user.id,
            context={
                "name": user.display_name,
                "url": external_url(endpoint, token=token),
                "valid_for": valid_for,
                **(context or {}),
            },
        )
    )


def notify(
    user: User, *, subject: str, template: str, to: str | None = None, context: dict | None = None
) -> None:
    """Queue a note about the account to its address (or `to`); each call is
    a new message. The dedupe key names the template, as My data expects."""
    queue_mail(
        Mail(
            to=to or user.email,
            subject=subject,
            template=template,
            dedupe_key=f"{template.replace('_', '-')}:{user.id}:{secrets.token_hex(8)}",
            user_id=user.id,
            context={"name": user.display_name, **(context or {})},
        )
    )


def live_account_in(payload: dict) -> User | None:
    """The live account a link's payload names, if any."""
    user_id = payload.get("user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return user if user is not None and user.is_active else None


def revoke_credentials(user: User) -> None:
    """A new password voids what the old one allowed: a pending change of
    address (its link also carries the old password's fingerprint, as reset
    links do)."""
    user.pending_email = None


def password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def verify_password(user: User, password: str, *, field: str = "current_password") -> None:
    """:raise InvalidCredentials: `password` is not the account's password."""
    if not check_password_hash(user.password_hash, password or ""):
        raise InvalidCredentials("This is not your current password.", field=field)


def find_user_by_email(email: str) -> User | None:
    """Return the account with this (normalised) address, if any."""
    return db.session.scalar(select(User).where(User.email == email))


def clean_display_name(raw: str) -> str:
    """:raise InvalidInput: the name is empty or too long once trimmed."""
    name = clean_line(raw, field="display_name", max_length=DISPLAY_NAME_MAX_LENGTH)
    if not name:
        raise InvalidInput("Enter your name.", field="display_name")
    return name


def check_password_rules(password: str, *, field: str) -> None:
    """:raise InvalidInput: the password is too short or too long."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise InvalidInput(f"Use at least {PASSWORD_MIN_LENGTH} characters.", field=field)
    if len(password) > PASSWORD_MAX_LENGTH:
        raise InvalidInput(f"Use at most {PASSWORD_MAX_LENGTH} characters.", field=field)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash_for(method: str) -> str:
    return generate_password_hash("not a password anyone has", method=method)


def _dummy_hash() -> str:
    return _dummy_hash_for(current_app.config["PASSWORD_HASH_METHOD"])
