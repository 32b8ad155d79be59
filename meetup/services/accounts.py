"""Accounts: sign up, log in, and the credentials that guard them."""

from __future__ import annotations

from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from meetup.extensions import db
from meetup.models import User
from meetup.models.types import utcnow
from meetup.models.user import DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH
from meetup.services.errors import EmailTaken, InvalidCredentials, InvalidInput
from meetup.services.text import clean_line

PASSWORD_MIN_LENGTH = 10
# Long enough for any passphrase, short enough that hashing stays cheap.
PASSWORD_MAX_LENGTH = 128


def normalize_email(raw: str) -> str:
    """Return the canonical form of an address: validated, lower case.

    :raise InvalidInput: the address is not a valid email address.
    """
    raw = (raw or "").strip()
    if len(raw) > EMAIL_MAX_LENGTH:
        raise InvalidInput(f"Use at most {EMAIL_MAX_LENGTH} characters.", field="email")
    try:
        valid = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(f"Enter a valid email address ({error}).", field="email") from None
    return valid.normalized.lower()


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
    """Set a new password; every other session of the account is logged out.

    :raise InvalidCredentials: `current_password` is wrong.
    :raise InvalidInput: the new password breaks the rules.
    """
    verify_password(user, current_password)
    check_password_rules(new_password, field="new_password")
    user.password_hash = hash_password(new_password)
    end_other_sessions(user)
    db.session.flush()


def change_email(user: User, *, password: str, new_email: str) -> None:
    """Move the account to another address.

    :raise InvalidCredentials: `password` is wrong.
    :raise InvalidInput: the address is invalid.
    :raise EmailTaken: the address belongs to another account.
    """
    verify_password(user, password)
    try:
        email = normalize_email(new_email)
    except InvalidInput as error:
        raise InvalidInput(error.message, field="new_email") from None
    if email == user.email:
        raise InvalidInput("This is already your email address.", field="new_email")
    if find_user_by_email(email) is not None:
        raise EmailTaken("Another account uses this email address.", field="new_email")
    user.email = email
    db.session.flush()


def verify_password(user: User, password: str, *, field: str = "current_password") -> None:
    """:raise InvalidCredentials: `password` is not the account's password."""
    if not check_password_hash(user.password_hash, password or ""):
        raise InvalidCredentials("This is not your current password.", field=field)


def end_other_sessions(user: User) -> None:
    """Invalidate every login session and remember-me cookie of the account."""
    user.session_version += 1


def find_user_by_email(email: str) -> User | None:
    """Return the account with this (normalised) address, if any."""
    return db.session.scalar(select(User).where(User.email == email))


def load_session_user(session_id: str) -> User | None:
    """Return the user a login session belongs to, if the session is still valid."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


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
