"""Replying to an event: going or not, guests, answers, one's place in its
list of people; finding a reply.

Statuses and their meaning are in docs/architecture.md. respond checks who
replies and what they sent, then makes one call, seats.change_reply, which
locks the event, counts the seats, changes the status, moves the waitlist
and queues the emails, so capacity holds under any number of concurrent
requests and every change is recorded and emailed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound
from meetup.models import ACTIVE_STATUSES, DirectoryChoice, Event, Rsvp, User
from meetup.models.types import utcnow
from meetup.services.accounts.credentials import require_verified
from meetup.services.events.lookup import can_view_event
from meetup.services.events.questions import clean_answers, list_questions
from meetup.services.privacy import is_listed_by_default
from meetup.services.rsvps import seats
from meetup.services.rsvps.seats import closed_reason, find_rsvp


@dataclass(frozen=True)
class Reply:
    """What a person sends: going or not, guests, answers keyed by question id."""

    going: bool
    guests: int = 0
    answers: Mapping[str, str] = field(default_factory=dict)
    # "shown", "hidden", "default" (follow the privacy setting); None: unchanged
    directory_choice: str | None = None


def respond(actor: User, event: Event, reply: Reply, *, now: datetime | None = None) -> Rsvp:
    """Record `actor`'s reply to `event`; sending the same reply twice changes nothing.

    Going: a seat if the whole party fits, else the waitlist; pending instead
    when the hosts approve replies. Not going: frees the seat (or the place in
    the queue) and moves the waitlist on.

    :raise NotFound: a draft `actor` does not host.
    :raise PermissionDenied: unverified, or the hosts declined or removed them.
    :raise InvalidInput: replies are closed, or a field breaks its rules.
    """
    require_verified(actor)
    if not can_view_event(actor, event):
        raise NotFound("There is no such event.")
    choice = _directory_choice(reply.directory_choice)
    guests, answers = 0, {}
    if reply.going:
        guests = _check_guests(event, reply.guests)
        answers = clean_answers(list_questions(event), reply.answers)
    own = seats.OwnReply(
        person=actor,
        is_going=reply.going,
        guests=guests,
        answers=answers,
        is_choosing_directory=reply.directory_choice is not None,
        directory_choice=choice,
        is_listed_by_default=is_listed_by_default(actor),
    )
    return seats.change_reply(event, own, actor=actor, now=now or utcnow())


def set_directory_choice(actor: User, event: Event, choice: str) -> Rsvp:
    """Show or hide oneself in one event's directory ("default": follow the
    privacy setting). Nothing else about the reply changes.

    :raise NotFound: `actor` has not replied to `event`.
    :raise InvalidInput: not one of the choices.
    """
    value = _directory_choice(choice)
    rsvp = find_rsvp(event, actor)
    if rsvp is None:
        raise NotFound("You have not replied to this event.")
    rsvp.directory_choice = value
    db.session.flush()
    return rsvp


# A person's choices for their place in one event's list of people; "default"
# follows their privacy setting.
DEFAULT_DIRECTORY_CHOICE = "default"


DIRECTORY_CHOICES: tuple[tuple[str, str], ...] = (
    (DEFAULT_DIRECTORY_CHOICE, "As in my privacy settings"),
    (DirectoryChoice.SHOWN.value, "Show me"),
    (DirectoryChoice.HIDDEN.value, "Hide me"),
)


def directory_choice_value(rsvp: Rsvp | None) -> str:
    """The reply's choice as DIRECTORY_CHOICES names it."""
    if rsvp is None or rsvp.directory_choice is None:
        return DEFAULT_DIRECTORY_CHOICE
    return rsvp.directory_choice.value


def _directory_choice(choice: str | None) -> DirectoryChoice | None:
    if choice in (None, "", DEFAULT_DIRECTORY_CHOICE):
        return None
    try:
        return DirectoryChoice(choice)
    except ValueError:
        raise InvalidInput("Choose one of the options.", field="directory_choice") from None


def _check_guests(event: Event, guests: int) -> int:
    if guests < 0:
        raise InvalidInput("The number of guests cannot be negative.", field="guests")
    if guests > event.guest_limit:
        if event.guest_limit == 0:
            raise InvalidInput("This event does not take guests.", field="guests")
        raise InvalidInput(
            f"You can bring at most {event.guest_limit} "
            f"guest{'s' if event.guest_limit > 1 else ''}.",
            field="guests",
        )
    return guests


def forget_person(user: User, *, now: datetime | None = None) -> None:
    """Erase a person's replies (account deletion): seats they held in
    upcoming events go to the waitlists; nobody emails the person."""
    now = now or utcnow()
    for rsvp in db.session.scalars(
        select(Rsvp).where(Rsvp.user_id == user.id).options(joinedload(Rsvp.event))
    ).all():
        event = rsvp.event
        is_open = closed_reason(event, now, for_new_reply=False) is None
        if rsvp.status in ACTIVE_STATUSES and is_open:
            seats.change_reply(event, seats.Erasure(rsvp), actor=None, now=now)
        db.session.delete(rsvp)
    db.session.flush()


def find_reply(event: Event, rsvp_id: int) -> Rsvp:
    """One reply of `event`, for its hosts' tools (a reply of another event
    is not found here).

    :raise NotFound: no such reply of this event.
    """
    rsvp = reply_in(event, rsvp_id)
    if rsvp is None:
        raise NotFound("There is no such reply.")
    return rsvp


def reply_in(event: Event, rsvp_id: int) -> Rsvp | None:
    rsvp = db.session.get(Rsvp, rsvp_id)
    return rsvp if rsvp is not None and rsvp.event_id == event.id else None
