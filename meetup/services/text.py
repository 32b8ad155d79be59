"""Tidying what people type: one line or several, email addresses, and never
an invisible character."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from meetup.models.user import EMAIL_MAX_LENGTH
from meetup.services.errors import InvalidInput

# C0 controls but tab and newline, and DEL: never meant, and PostgreSQL refuses NUL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_line(raw: str, *, field: str, max_length: int) -> str:
    """Return one line of text with its spacing tidied.

    :raise InvalidInput: it is longer than `max_length` once tidied.
    """
    line = " ".join(CONTROL_CHARACTERS.sub("", raw or "").split())
    if len(line) > max_length:
        raise InvalidInput(
            f"Use at most {max_length} characters (you used {len(line)}).", field=field
        )
    return line


def clean_text(raw: str, *, field: str, max_length: int) -> str:
    """Return multi-line text with line endings unified and outer space trimmed.

    :raise InvalidInput: it is longer than `max_length`.
    """
    text = CONTROL_CHARACTERS.sub("", (raw or "").replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if len(text) > max_length:
        raise InvalidInput(
            f"Use at most {max_length} characters (you used {len(text)}).", field=field
        )
    return text


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
