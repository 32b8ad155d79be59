"""At the door: tickets with a QR code, and checking people in.

A ticket's QR code holds a check-in link signed for that one reply. The link
is the attendee's to show, but it checks in only when a host opens it; for
anyone else it does nothing (the web layer answers 403 or a log-in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import qrcode
import qrcode.image.svg
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound
from meetup.lib.tokens import make_token, read_token
from meetup.lib.urls import external_url
from meetup.models import Event, Rsvp, RsvpStatus, User
from meetup.models.types import utcnow
from meetup.services.events.lookup import require_host

TICKET = "ticket"
# Tickets do not expire: an event may be months away, and a ticket's link
# checks in only the reply it names, and only for that event's hosts.
TICKET_VALID_FOR = timedelta(days=3650)


@dataclass(frozen=True)
class Ticket:
    rsvp: Rsvp
    check_in_url: str
    qr_svg: str  # an <svg> element, safe to inline: built from the URL alone


def get_ticket(person: User, event: Event) -> Ticket:
    """The person's own ticket to `event`.

    :raise NotFound: they are not going (a ticket's existence is private).
    """
    rsvp = db.session.scalar(
        select(Rsvp).where(
            Rsvp.event_id == event.id,
            Rsvp.user_id == person.id,
            Rsvp.status == RsvpStatus.GOING,
        )
    )
    if rsvp is None:
        raise NotFound("You have no ticket for this event.")
    url = external_url(
        "hosting.check_in_by_ticket", slug=event.slug, code=make_token(TICKET, {"rsvp": rsvp.id})
    )
    return Ticket(rsvp, url, _qr_svg(url))


def rsvp_for_ticket(actor: User, event: Event, code: str) -> Rsvp:
    """The reply a ticket's code names, for a host of `event`.

    :raise PermissionDenied: `actor` is not a host.
    :raise NotFound: the code is forged or names a reply of another event.
    """
    require_host(actor, event)
    try:
        payload = read_token(TICKET, code, max_age=TICKET_VALID_FOR)
    except InvalidInput:
        raise NotFound("This ticket is not valid.") from None
    rsvp = db.session.get(Rsvp, payload.get("rsvp"))
    if rsvp is None or rsvp.event_id != event.id:
        raise NotFound("This ticket is not for this event.")
    return rsvp


def admits(rsvp: Rsvp) -> bool:
    """Does a ticket let its person in? Only while they are going."""
    return rsvp.status == RsvpStatus.GOING


def check_in(actor: User, rsvp: Rsvp, *, now: datetime | None = None) -> bool:
    """Mark a person going as arrived; False if they already were.

    :raise PermissionDenied: not a host. :raise InvalidInput: not going.
    """
    require_host(actor, rsvp.event)
    if not admits(rsvp):
        raise InvalidInput(f"{rsvp.user.display_name} is not on the list of people going.")
    if rsvp.checked_in_at is not None:
        return False
    rsvp.checked_in_at = now or utcnow()
    db.session.flush()
    return True


def undo_check_in(actor: User, rsvp: Rsvp) -> None:
    """:raise PermissionDenied: not a host."""
    require_host(actor, rsvp.event)
    rsvp.checked_in_at = None
    db.session.flush()


def checked_in_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.checked_in_at.is_not(None))
    )


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")
