"""The hosts' decisions on a reply: approve, decline, remove, let in from the
waitlist. Each checks the host and the reason, then makes one call,
seats.change_reply, which locks the event, checks the decision applies to
the reply's status, changes it (recorded and emailed) and moves the
waitlist."""

from __future__ import annotations

from datetime import datetime

from meetup.lib.text import clean_text
from meetup.models import Rsvp, User
from meetup.models.types import utcnow
from meetup.services.events.lookup import require_host
from meetup.services.rsvps import seats
from meetup.services.rsvps.seats import Decision

REASON_MAX_LENGTH = 1000


def approve(actor: User, rsvp: Rsvp, *, now: datetime | None = None) -> Rsvp:
    """Accept a pending request: going if the party fits, else the waitlist.

    :raise PermissionDenied: not a host. :raise InvalidInput: not pending, or closed.
    """
    return _decide(actor, rsvp, Decision.APPROVE, now=now)


def decline(actor: User, rsvp: Rsvp, *, reason: str = "", now: datetime | None = None) -> Rsvp:
    """Refuse a pending request. :raise PermissionDenied: not a host."""
    return _decide(actor, rsvp, Decision.DECLINE, reason=reason, now=now)


def remove(actor: User, rsvp: Rsvp, *, reason: str = "", now: datetime | None = None) -> Rsvp:
    """Take someone off the list (going, waitlisted or pending); their seat
    goes to the waitlist. :raise PermissionDenied: not a host."""
    return _decide(actor, rsvp, Decision.REMOVE, reason=reason, now=now)


def promote(actor: User, rsvp: Rsvp, *, now: datetime | None = None) -> Rsvp:
    """A host lets someone in from the waitlist, out of turn and even when the
    seats are full (the host's call: the page shows the count).

    :raise PermissionDenied: not a host. :raise InvalidInput: not waitlisted.
    """
    return _decide(actor, rsvp, Decision.LET_IN, now=now)


def _decide(
    actor: User, rsvp: Rsvp, decision: Decision, *, reason: str = "", now: datetime | None
) -> Rsvp:
    event = rsvp.event
    require_host(actor, event)
    note = clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH)
    ask = seats.HostDecision(rsvp, decision, note)
    return seats.change_reply(event, ask, actor=actor, now=now or utcnow())
