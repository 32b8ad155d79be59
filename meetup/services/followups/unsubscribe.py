"""One-click unsubscribe from follow-ups (RFC 8058).

Every follow-up carries a signed link naming its recipient. A GET of it shows
a confirmation page; a POST, with no session and no CSRF token (the signed
token is the proof: mail clients post it on their own), turns follow-ups off,
as the privacy settings' switch does. The link lives long: people unsubscribe
from old mail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.lib.tokens import read_token, token_maker
from meetup.lib.urls import external_url
from meetup.models import User

PURPOSE = "unsubscribe-followups"
LIFETIME = timedelta(days=365)


def unsubscribe_url(person_id: int) -> str:
    """The signed one-click link for this person's follow-ups."""
    return unsubscribe_links()(person_id)


def unsubscribe_links() -> Callable[[int], str]:
    """unsubscribe_url for a job's many recipients: one signer, the page's
    address built once (a token needs no quoting in a path)."""
    sign = token_maker(PURPOSE)
    prefix = external_url("profiles.unsubscribe_followups", token="-").removesuffix("-")
    return lambda person_id: prefix + sign({"user": person_id})


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers mail clients show as their own "Unsubscribe" (RFC 8058)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@dataclass(frozen=True)
class UnsubscribeLink:
    """What a link turned out to be: its person, or why it does not work."""

    person: User | None
    problem: str = ""


def read_unsubscribe_link(token: str) -> UnsubscribeLink:
    """The person an unsubscribe link names (a forged or expired link, or a
    deleted account: no person, and the reason to show)."""
    try:
        payload = read_token(PURPOSE, token, max_age=LIFETIME)
    except InvalidInput as error:
        return UnsubscribeLink(None, error.message)
    person_id = payload.get("user")
    person = db.session.get(User, person_id) if isinstance(person_id, int) else None
    if person is None or person.deleted_at is not None:
        return UnsubscribeLink(None, "This link is for an account that no longer exists.")
    return UnsubscribeLink(person)


def unsubscribe(token: str) -> UnsubscribeLink:
    """Turn off the follow-ups of the person the link names (again: no change)."""
    link = read_unsubscribe_link(token)
    if link.person is not None:
        link.person.is_followup_email_wanted = False
    return link
