"""Who sees a person's email address: the person; their accepted connections
when they allowed it; and the hosts of an event they replied to, on that
event's pages (the reply form told them so). Nobody else, anywhere."""

from __future__ import annotations

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Connection, User
from meetup.services.privacy.blocks import blocked_ids


def can_see_email(viewer: User | None, person: User, *, connected: bool | None = None) -> bool:
    """May `viewer` see `person`'s email address (outside the hosts' pages of
    events the person replied to)? The person; and their accepted connections
    when they allowed it. (`connected` saves a query when the caller knows.)"""
    if viewer is None or person.deleted_at is not None:
        return False
    if viewer.id == person.id:
        return True
    if not shares_email_with_connections(person) or person.id in blocked_ids(viewer):
        return False
    return are_connected(viewer.id, person.id) if connected is None else connected


def email_seen_by_connection(viewer: User, person: User) -> str:
    """`person`'s address as a message to `viewer`, now connected to them,
    may carry it ("" where can_see_email says no)."""
    return person.email if can_see_email(viewer, person, connected=True) else ""


def shows_emails_on_list(*, viewer_is_host: bool) -> bool:
    """Does an event's list of people show its people's addresses? To its
    hosts only: they see the address of everyone who replied."""
    return viewer_is_host


def shares_email_with_connections(person: User) -> bool:
    """Did the person allow accepted connections to see their email address?"""
    return person.deleted_at is None and person.is_email_shared_with_connections


def are_connected(first_id: int, second_id: int) -> bool:
    """Are the two people connected (an accepted request, or mutual)?"""
    low, high = sorted((first_id, second_id))
    return (
        db.session.scalar(
            select(Connection.id).where(Connection.first_id == low, Connection.second_id == high)
        )
        is not None
    )
