"""One-click unsubscribe links (RFC 8058), whatever the mail: a signed,
long-lived token naming what to stop, its link, and the headers mail clients
show as their own "Unsubscribe". Each kind of mail (follow-ups, a community's
mail) has its purpose, so a link for one stops nothing else; what a link
changes is its service's.

A GET of such a link shows a confirmation page; a POST, with no session and no
CSRF token (the signed token is the proof: mail clients post it on their own),
changes the setting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from meetup.lib.errors import InvalidInput
from meetup.lib.tokens import read_token, token_maker
from meetup.lib.urls import external_url

LIFETIME = timedelta(days=365)  # people unsubscribe from old mail


def signed_links(purpose: str, endpoint: str) -> Callable[[dict[str, Any]], str]:
    """The link of `endpoint` (whose one argument is `token`) for each payload,
    for a job's many recipients: one signer, the page's address built once
    (a token needs no quoting in a path)."""
    sign = token_maker(purpose)
    prefix = external_url(endpoint, token="-").removesuffix("-")
    return lambda payload: prefix + sign(payload)


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers mail clients show as their own "Unsubscribe" (RFC 8058)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def read_link(
    purpose: str, token: str, *, lifetime: timedelta = LIFETIME
) -> tuple[dict[str, Any], str]:
    """The payload of an unsubscribe link, or an empty one and the reason it
    does not work (forged, for another purpose, expired), in words to show."""
    try:
        return read_token(purpose, token, max_age=lifetime), ""
    except InvalidInput as error:
        return {}, error.message
