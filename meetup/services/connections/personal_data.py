"""The connections part of My data: a person's connections, requests, blocks
and ticks, to export and to erase (services.personal_data registers them).
What the export says follows the app: an ignored request reads "pending" to
its asker (and goes with a block, as a waiting one does), and nobody learns
who blocked or ticked them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, or_, select

from meetup.extensions import db
from meetup.models import (
    Block,
    Connection,
    ConnectionRequest,
    Event,
    RequestStatus,
    StayInTouch,
    User,
)


def export_connections(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(User.display_name, Connection.created_at)
        .join(
            Connection,
            or_(
                and_(Connection.first_id == user.id, Connection.second_id == User.id),
                and_(Connection.second_id == user.id, Connection.first_id == User.id),
            ),
        )
        .order_by(Connection.created_at)
    )
    return [{"with": name, "since": since.isoformat()} for name, since in rows]


def erase_connections(user: User) -> None:
    db.session.execute(
        delete(Connection).where(
            or_(Connection.first_id == user.id, Connection.second_id == user.id)
        )
    )


def export_connection_requests(user: User) -> dict[str, list[dict[str, Any]]]:
    """Requests the person made and received. An ignored request reads
    "pending" to its asker, as everywhere: ignoring is silent."""
    requests = db.session.scalars(
        select(ConnectionRequest)
        .where(
            or_(
                ConnectionRequest.requester_id == user.id, ConnectionRequest.addressee_id == user.id
            )
        )
        .order_by(ConnectionRequest.id)
    ).all()
    sent, received = [], []
    for request in requests:
        mine = request.requester_id == user.id
        status = request.status.value
        if mine and request.status == RequestStatus.IGNORED:
            status = RequestStatus.PENDING.value
        entry = {
            ("to" if mine else "from"): (
                request.addressee if mine else request.requester
            ).display_name,
            "note": request.note,
            "status": status,
            "asked_at": request.created_at.isoformat(),
        }
        (sent if mine else received).append(entry)
    return {"sent": sent, "received": received}


def erase_connection_requests(user: User) -> None:
    db.session.execute(
        delete(ConnectionRequest).where(
            or_(
                ConnectionRequest.requester_id == user.id, ConnectionRequest.addressee_id == user.id
            )
        )
    )


def export_blocks(user: User) -> list[dict[str, Any]]:
    """The people the person blocked (never who blocked them)."""
    rows = db.session.execute(
        select(User.display_name, Block.created_at)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == user.id)
        .order_by(Block.created_at)
    )
    return [{"person": name, "blocked_at": at.isoformat()} for name, at in rows]


def erase_blocks(user: User) -> None:
    db.session.execute(
        delete(Block).where(or_(Block.blocker_id == user.id, Block.blocked_id == user.id))
    )


def export_ticks(user: User) -> list[dict[str, Any]]:
    """The person's own "stay in touch" ticks (never the ticks of them:
    a one-sided tick is its ticker's alone)."""
    rows = db.session.execute(
        select(User.display_name, Event.title, Event.slug, StayInTouch.created_at)
        .join(StayInTouch, StayInTouch.ticked_id == User.id)
        .join(Event, Event.id == StayInTouch.event_id)
        .where(StayInTouch.ticker_id == user.id)
        .order_by(StayInTouch.created_at, StayInTouch.id)
    )
    return [
        {"person": name, "event": title, "slug": slug, "ticked_at": at.isoformat()}
        for name, title, slug, at in rows
    ]


def erase_ticks(user: User) -> None:
    """The person's ticks, and the ticks of them, go."""
    db.session.execute(
        delete(StayInTouch).where(
            or_(StayInTouch.ticker_id == user.id, StayInTouch.ticked_id == user.id)
        )
    )
