"""Signed, expiring tokens for the links we mail (verify, confirm, reset),
and the digest under which a random token is stored (only the digest is kept)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from meetup.lib.errors import InvalidInput


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # A salt per purpose: a token made for one link is worthless for another.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"meetup.{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def token_maker(purpose: str) -> Callable[[dict[str, Any]], str]:
    """make_token for many tokens of one purpose (a job's links): the same
    tokens, with the serializer and its signer set up once, not per token
    (what Serializer.dumps does, less the set-up)."""
    serializer = _serializer(purpose)
    signer = serializer.make_signer()

    def make(payload: dict[str, Any]) -> str:
        return signer.sign(serializer.dump_payload(payload)).decode("utf-8")

    return make


def read_token(purpose: str, token: str, *, max_age: timedelta) -> dict[str, Any]:
    """Return the token's payload.

    :raise InvalidInput: the token is forged, for another purpose, or expired.
    """
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise InvalidInput("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise InvalidInput("This link is not valid. Check that you copied all of it.") from None
    if not isinstance(payload, dict):
        raise InvalidInput("This link is not valid.")
    return payload


def token_digest(token: str) -> str:
    """What is stored of a random token (an invitation's, a session's): its
    SHA-256, so the table alone opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()
