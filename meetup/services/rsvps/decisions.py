"""The hosts' decisions on a reply: approve, decline, remove, let in from the
waitlist. Each locks the event and changes the status through
waitlist.change_status, which records and emails it."""

from __future__ import annotations

from datetime import datetime

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.lib.text import clean_text
from meetup.models import (
    ACTIVE_STATUSES,
    Event,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.models.types import utcnow
from meetup.services.events.lookup import require_host
from meetup.services.rsvps.replying import REASON_MAX_LENGTH, closed_reason
from meetup.services.rsvps.waitlist import (
    Notice,
    change_status,
    count_seats,
    lock_event,
    promote_waitlist,
)


def approve(actor: User, rsvp: Rsvp, *, now: datetime | None = None) -> Rsvp:
    """Accept a pending request: going if the party fits, else the waitlist.

    :raise PermissionDenied: not a host. :raise InvalidInput: not pending, or closed.
    """
    now = now or utcnow()
    event = _host_decision(actor, rsvp, now)
    if rsvp.status != RsvpStatus.PENDING:
        raise InvalidInput(f"{rsvp.user.display_name} is not waiting for approval.")
    seats = count_seats(event)
    to = RsvpStatus.GOING if seats.fits(rsvp.party_size) else RsvpStatus.WAITLISTED
    change_status(rsvp, to, actor=actor, now=now, notice=Notice.APPROVED)
    return rsvp


def decline(actor: User, rsvp: Rsvp, *, reason: str = "", now: datetime | None = None) -> Rsvp:
    """Refuse a pending request. :raise PermissionDenied: not a host."""
    now = now or utcnow()
    _host_decision(actor, rsvp, now)
    if rsvp.status != RsvpStatus.PENDING:
        raise InvalidInput(f"{rsvp.user.display_name} is not waiting for approval.")
    note = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH)
    change_status(
        rsvp, RsvpStatus.DECLINED, actor=actor, now=now, notice=Notice.DECLINED, note=note
    )
    return rsvp


def remove(actor: User, rsvp: Rsvp, *, reason: str = "", now: datetime | None = None) -> Rsvp:
    """Take someone off the list (going, waitlisted or pending); their seat
    goes to the waitlist. :raise PermissionDenied: not a host."""
    now = now or utcnow()
    event = _host_decision(actor, rsvp, now)
    if rsvp.status not in ACTIVE_STATUSES:
        raise InvalidInput(f"{rsvp.user.display_name} is not on the list.")
    note = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH)
    was_going = rsvp.status == RsvpStatus.GOING
    change_status(rsvp, RsvpStatus.REMOVED, actor=actor, now=now, notice=Notice.REMOVED, note=note)
    if was_going:
        promote_waitlist(event, now=now)
    return rsvp


def promote(actor: User, rsvp: Rsvp, *, now: datetime | None = None) -> Rsvp:
    """A host lets someone in from the waitlist, out of turn and even when the
    seats are full (the host's call: the page shows the count).

    :raise PermissionDenied: not a host. :raise InvalidInput: not waitlisted.
    """
    now = now or utcnow()
    _host_decision(actor, rsvp, now)
    if rsvp.status != RsvpStatus.WAITLISTED:
        raise InvalidInput(f"{rsvp.user.display_name} is not on the waitlist.")
    change_status(rsvp, RsvpStatus.GOING, actor=actor, now=now, notice=Notice.PROMOTED)
    return rsvp


def _host_decision(actor: User, rsvp: Rsvp, now: datetime) -> Event:
    event = rsvp.event
    require_host(actor, event)
    lock_event(event)
    db.session.refresh(rsvp)  # as committed by whoever held the lock before
    closed = closed_reason(event, now, for_new_reply=False)
    if closed:
        raise InvalidInput(closed)
    return event
