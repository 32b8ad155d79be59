"""What a connection request is to each of its two people.

Its asker sees only whether it waits as far as they can tell
(`seen_waiting_condition`: pending or ignored alike, expiring REQUEST_LIFETIME
after the ask): an ignore never shows to them. Its addressee sees it waiting
only while pending; once they ignored it, what its asker asks for
IGNORED_FOR is ignored at once (`recently_ignored_condition`, `ignored_at`).
Every page, count, export and suggestion reads a request through these.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select

from meetup.extensions import db
from meetup.models import ConnectionRequest, RequestStatus

REQUEST_LIFETIME = timedelta(days=90)
IGNORED_FOR = timedelta(days=90)


def between(first_id: int, second_id: int) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: asked by either of two people of the other."""
    return or_(
        and_(
            ConnectionRequest.requester_id == first_id,
            ConnectionRequest.addressee_id == second_id,
        ),
        and_(
            ConnectionRequest.requester_id == second_id,
            ConnectionRequest.addressee_id == first_id,
        ),
    )


def waiting_condition(*, now: datetime) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: still waiting for an answer."""
    return and_(
        ConnectionRequest.status == RequestStatus.PENDING,
        ConnectionRequest.created_at > now - REQUEST_LIFETIME,
    )


def seen_waiting_condition(*, now: datetime) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: waiting, as its asker sees it: an ignored
    request waits and expires exactly as one not answered."""
    return and_(
        ConnectionRequest.status.in_((RequestStatus.PENDING, RequestStatus.IGNORED)),
        ConnectionRequest.created_at > now - REQUEST_LIFETIME,
    )


def recently_ignored_condition(*, now: datetime) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: ignored (even if withdrawn or ended by a
    block since) less than IGNORED_FOR ago: what its asker asks again is
    ignored at once. Never for the asker's eyes."""
    return and_(
        ConnectionRequest.status.in_((RequestStatus.IGNORED, RequestStatus.WITHDRAWN)),
        ConnectionRequest.answered_at > now - IGNORED_FOR,
    )


def standing_for_asker_condition(*, now: datetime) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: a request that still stands for its asker
    (waiting as they see it, or accepted): suggesting them its addressee
    would only repeat it."""
    return or_(seen_waiting_condition(now=now), ConnectionRequest.status == RequestStatus.ACCEPTED)


def standing_request_condition(*, now: datetime) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: a request that still stands for its
    addressee: waiting, accepted, or ignored within IGNORED_FOR. Suggesting
    them its asker would only repeat it. (For its asker, see
    standing_for_asker_condition: an ignore must not show there.)"""
    return or_(
        waiting_condition(now=now),
        recently_ignored_condition(now=now),
        ConnectionRequest.status == RequestStatus.ACCEPTED,
    )


def ignored_at(asker_id: int, person_id: int, *, now: datetime) -> datetime | None:
    """When `person_id` ignored `asker_id`, if that still holds (IGNORED_FOR)."""
    return db.session.scalar(
        select(func.max(ConnectionRequest.answered_at)).where(
            ConnectionRequest.requester_id == asker_id,
            ConnectionRequest.addressee_id == person_id,
            recently_ignored_condition(now=now),
        )
    )


def live_request(
    asker_id: int, person_id: int, *, now: datetime, as_seen_by_asker: bool = False
) -> ConnectionRequest | None:
    """The request from `asker_id` to `person_id` still waiting; as its asker
    sees it (an ignored one waits too), or as its addressee does."""
    waiting = seen_waiting_condition(now=now) if as_seen_by_asker else waiting_condition(now=now)
    return db.session.scalar(
        select(ConnectionRequest)
        .where(
            ConnectionRequest.requester_id == asker_id,
            ConnectionRequest.addressee_id == person_id,
            waiting,
        )
        .order_by(ConnectionRequest.id.desc())
        .limit(1)
    )


def recently_withdrawn(asker_id: int, person_id: int, *, now: datetime) -> ConnectionRequest | None:
    """A request `asker_id` made and withdrew while it still waited for an
    answer, as they saw it (one ignored too: they cannot tell)."""
    return db.session.scalar(
        select(ConnectionRequest)
        .where(
            ConnectionRequest.requester_id == asker_id,
            ConnectionRequest.addressee_id == person_id,
            ConnectionRequest.status == RequestStatus.WITHDRAWN,
            ConnectionRequest.created_at > now - REQUEST_LIFETIME,
        )
        .order_by(ConnectionRequest.id.desc())
        .limit(1)
    )
