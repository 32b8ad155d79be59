"""The hosting part of My data: the events a person hosts or created, the
invitations to co-host sent to their address, and the changes they made
(services.personal_data registers each section)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from meetup.extensions import db
from meetup.models import (
    Event,
    EventChange,
    EventHost,
    EventStatus,
    HostInvitation,
    User,
)
from meetup.services.hosting.hosts import hand_over_events


def export_hosting(user: User) -> list[dict[str, Any]]:
    hosts = db.session.scalars(
        select(EventHost).where(EventHost.user_id == user.id).order_by(EventHost.added_at)
    )
    return [
        {
            "event": host.event.title,
            "slug": host.event.slug,
            "role": host.role.value,
            "starts_at": host.event.starts_at.isoformat(),
            "status": host.event.status.value,
        }
        for host in hosts
    ]


def erase_hosting(user: User) -> None:
    """Nobody is left unable to run an event: see hosts.hand_over_events."""
    hand_over_events(user)
    db.session.execute(delete(EventHost).where(EventHost.user_id == user.id))


def export_host_invitations(user: User) -> list[dict[str, Any]]:
    """Invitations to co-host sent to the person's address, not yet accepted."""
    invitations = db.session.scalars(
        select(HostInvitation)
        .where(HostInvitation.email == user.email.lower())
        .order_by(HostInvitation.id)
    )
    return [
        {
            "event": invitation.event.title,
            "invited_at": invitation.created_at.isoformat(),
            "expires_at": invitation.expires_at.isoformat(),
        }
        for invitation in invitations
    ]


def erase_host_invitations(user: User) -> None:
    db.session.execute(delete(HostInvitation).where(HostInvitation.email == user.email.lower()))


def export_events_created(user: User) -> list[str]:
    return list(
        db.session.scalars(
            select(Event.slug).where(Event.created_by_id == user.id).order_by(Event.id)
        )
    )


def erase_events_created(user: User) -> None:
    """Drafts only the person hosts go (one with co-hosts is handed over, see
    erase_hosting). Published events belong to the people who reply too:
    they stay, created by an anonymous account (or handed over)."""
    shared = Event.hosts.any(EventHost.user_id != user.id)
    for draft in db.session.scalars(
        select(Event).where(
            Event.created_by_id == user.id, Event.status == EventStatus.DRAFT, ~shared
        )
    ):
        db.session.delete(draft)


def export_event_changes(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Event.slug, EventChange.summary, EventChange.changed_at)
        .join(Event, Event.id == EventChange.event_id)
        .where(EventChange.actor_id == user.id)
        .order_by(EventChange.changed_at, EventChange.id)
    )
    return [
        {"event": slug, "summary": summary, "changed_at": changed_at.isoformat()}
        for slug, summary, changed_at in rows
    ]


def erase_event_changes(user: User) -> None:
    """The events' history stays (their other hosts read it), by nobody."""
    db.session.execute(
        update(EventChange).where(EventChange.actor_id == user.id).values(actor_id=None)
    )
