"""Tidying what people type: one line or several, email addresses, and never
an invisible character."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from meetup.lib.errors import InvalidInput

# Letters and digits in any script, and the punctuation of names like
# "c++", "c#", "ui/ux", "r&d", "node.js", "women's health".
# The longest address SMTP carries (RFC 5321: a 256-octet path less its brackets).
EMAIL_MAX_LENGTH = 254

TAG_PATTERN = re.compile(r"^\w[\w .+#&/'-]*$")
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

    Non-ASCII before the @ needs SMTPUTF8 all along the way, which many relays
    lack, so such addresses are refused here; international domain names are
    fine (mail goes to their ASCII form, see ascii_address).

    :raise InvalidInput: the address is not a valid email address.
    """
    raw = (raw or "").strip()
    if len(raw) > EMAIL_MAX_LENGTH:
        raise InvalidInput(f"Use at most {EMAIL_MAX_LENGTH} characters.", field="email")
    try:
        valid = validate_email(raw, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise InvalidInput(f"Enter a valid email address ({error}).", field="email") from None
    return valid.normalized.lower()


def email_key(raw: str) -> str:
    """The address as stored, to key per-address limits on: every spelling of
    one account (case, fullwidth letters) gives the same key; text that is no
    address keys itself (it opens no account)."""
    try:
        return normalize_email(raw)
    except InvalidInput:
        return (raw or "").strip().lower()[:EMAIL_MAX_LENGTH]


def ascii_address(address: str) -> str:
    """The address with its domain in ASCII (IDNA), as SMTP and headers need it."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def normalize_tag(raw: str) -> str:
    """Return the tag form of a topic or interest: NFKC, lower case, single spaces,
    no '#' in front ("  Machine   Learning" and "#machine learning" are one tag)."""
    text = unicodedata.normalize("NFKC", raw)
    return " ".join(text.split()).lstrip("#").strip().casefold()


def clean_tags(
    raw: Iterable[str], *, field: str, noun: str, max_count: int, max_length: int
) -> list[str]:
    """Return distinct normalised tags, in the order given.

    :raise InvalidInput: a tag is malformed or too long, or there are too many.
    """
    tags: list[str] = []
    for item in raw:
        tag = normalize_tag(item)
        if not tag or tag in tags:
            continue
        if len(tag) > max_length:
            raise InvalidInput(
                f"Keep each {noun} under {max_length} characters (“{tag[:20]}…” is longer).",
                field=field,
            )
        if not TAG_PATTERN.match(tag):
            raise InvalidInput(
                f"“{tag}” cannot be used: {noun}s may use letters, digits, spaces "
                "and + # & / . ' -",
                field=field,
            )
        tags.append(tag)
    if len(tags) > max_count:
        raise InvalidInput(
            f"Choose at most {max_count} {noun}s (you gave {len(tags)}).", field=field
        )
    return tags


def clean_web_address(raw: str, *, field: str, max_length: int) -> str:
    """Return an http(s) address with a host, trimmed; "" for empty input.

    :raise InvalidInput: anything else (javascript:, data:, ftp:, no host...).
    """
    link = (raw or "").strip()
    if not link:
        return ""
    if len(link) > max_length:
        raise InvalidInput(f"Keep each link under {max_length} characters.", field=field)
    if not _is_web_address(link):
        raise InvalidInput(
            f"“{link[:60]}” is not a web address: links start with https:// or http://.",
            field=field,
        )
    return link


def _is_web_address(link: str) -> bool:
    try:
        parts = urlsplit(link)
        host, _ = parts.hostname, parts.port  # both parse, and refuse, lazily
    except ValueError:  # "https://[::1", a port past 65535...
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(host)
        and not any(char.isspace() for char in link)
        and not CONTROL_CHARACTERS.search(link)
    )


def fold_for_search(text: str) -> str:
    """Casefold and drop accents, so "CAFÉ", "Café" and "cafe" match each other,
    and "ΑΘΗΝΑ" matches "Αθήνα"; the same in Python for every database."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def in_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c": a list as a sentence says it."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
