"""One-click unsubscribe from follow-ups (RFC 8058, meetup.lib.unsubscribe).

Every follow-up carries a signed link naming its recipient. A GET of it shows
a confirmation page; a POST, with no session and no CSRF token, turns
follow-ups off, as the privacy settings' switch does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from meetup.extensions import db
from meetup.lib.unsubscribe import LIFETIME, list_unsubscribe_headers, read_link, signed_links
from meetup.models import User

__all__ = [
    "LIFETIME",
    "UnsubscribeLink",
    "list_unsubscribe_headers",
    "read_unsubscribe_link",
    "unsubscribe",
    "unsubscribe_links",
    "unsubscribe_url",
]

PURPOSE = "unsubscribe-followups"


def unsubscribe_url(person_id: int) -> str:
    """The signed one-click link for this person's follow-ups."""
    return unsubscribe_links()(person_id)


def unsubscribe_links() -> Callable[[int], str]:
    """unsubscribe_url for a job's many recipients (one signer)."""
    link = signed_links(PURPOSE, "profiles.unsubscribe_followups")
    return lambda person_id: link({"user": person_id})


@dataclass(frozen=True)
class UnsubscribeLink:
    """What a link turned out to be: its person, or why it does not work."""

    person: User | None
    problem: str = ""


def read_unsubscribe_link(token: str) -> UnsubscribeLink:
    """The person an unsubscribe link names (a forged or expired link, or a
    deleted account: no person, and the reason to show)."""
    payload, problem = read_link(PURPOSE, token, lifetime=LIFETIME)
    if problem:
        return UnsubscribeLink(None, problem)
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
