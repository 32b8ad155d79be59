"""Replying to an event: going or not, guests, answers, one's place in its
list of people; when replies close; finding a reply.

Statuses and their meaning are in docs/architecture.md. Every write here
locks the event first (waitlist.lock_event) and changes statuses only through
waitlist.change_status, so capacity holds under any number of concurrent
requests, and every change is recorded and emailed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound, PermissionDenied
from meetup.lib.timezones import describe_moment
from meetup.models import (
    ACTIVE_STATUSES,
    DirectoryChoice,
    Event,
    EventStatus,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.models.types import utcnow
from meetup.services.accounts.credentials import require_verified
from meetup.services.events.lookup import can_view_event, is_host
from meetup.services.events.questions import clean_answers, list_questions
from meetup.services.privacy import is_listed_by_default
from meetup.services.rsvps.waitlist import (
    Notice,
    change_status,
    count_seats,
    lock_event,
    promote_waitlist,
)

REASON_MAX_LENGTH = 1000


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
    lock_event(event)
    now = now or utcnow()
    closed = closed_reason(event, now, for_new_reply=False)
    if closed:
        raise InvalidInput(closed)
    rsvp = find_rsvp(event, actor)
    if rsvp is not None and rsvp.status == RsvpStatus.DECLINED:
        raise PermissionDenied("The hosts declined your request for this event.")
    if rsvp is not None and rsvp.status == RsvpStatus.REMOVED:
        raise PermissionDenied("The hosts removed you from this event.")
    choice = _directory_choice(reply.directory_choice)  # checked before anything changes
    if reply.going:
        rsvp = _reply_going(actor, event, rsvp, reply, now=now)
    else:
        rsvp = _reply_not_going(actor, event, rsvp, now=now)
    if reply.directory_choice is not None and rsvp.directory_choice != choice:
        rsvp.directory_choice = choice
        db.session.flush()
    return rsvp


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


def _reply_going(
    actor: User, event: Event, rsvp: Rsvp | None, reply: Reply, *, now: datetime
) -> Rsvp:
    guests = _check_guests(event, reply.guests)
    answers = clean_answers(list_questions(event), reply.answers)
    holds_place = rsvp is not None and rsvp.status in ACTIVE_STATUSES
    if not holds_place:
        closed = closed_reason(event, now, for_new_reply=True)
        if closed:
            raise InvalidInput(closed)
    if rsvp is not None and holds_place:
        if guests == rsvp.guests and answers == rsvp.answers:
            return rsvp  # the same reply again: a double submit
        seats = count_seats(event)
        extra = guests - rsvp.guests
        if extra > 0 and closed_reason(event, now, for_new_reply=True):
            raise InvalidInput("Replies are closed: you can no longer add guests.", field="guests")
        if rsvp.status == RsvpStatus.GOING and extra > 0 and not seats.fits(extra):
            raise InvalidInput(
                _seats_left_message(seats.left or 0) + " Your reply is unchanged.",
                field="guests",
            )
        rsvp.guests, rsvp.answers, rsvp.updated_at = guests, answers, now
        db.session.flush()
        if extra < 0 or rsvp.status == RsvpStatus.WAITLISTED:
            promote_waitlist(event, now=now)  # fewer seats taken, or a smaller party
        return rsvp
    if rsvp is None:
        rsvp = Rsvp(
            event=event, user=actor, created_at=now, is_person_listed=is_listed_by_default(actor)
        )
    rsvp.guests, rsvp.answers = guests, answers
    if event.is_approval_required and not is_host(actor, event):
        change_status(rsvp, RsvpStatus.PENDING, actor=actor, now=now, notice=Notice.PENDING)
    elif count_seats(event).fits(rsvp.party_size):
        change_status(rsvp, RsvpStatus.GOING, actor=actor, now=now, notice=Notice.GOING)
    else:
        change_status(rsvp, RsvpStatus.WAITLISTED, actor=actor, now=now, notice=Notice.WAITLISTED)
    return rsvp


def _reply_not_going(actor: User, event: Event, rsvp: Rsvp | None, *, now: datetime) -> Rsvp:
    if rsvp is None:
        # Saying "can't go" up front tells the hosts; nobody needs an email.
        rsvp = Rsvp(
            event=event,
            user=actor,
            created_at=now,
            answers={},
            is_person_listed=is_listed_by_default(actor),
        )
        change_status(rsvp, RsvpStatus.NOT_GOING, actor=actor, now=now, notice=None)
        return rsvp
    if rsvp.status == RsvpStatus.NOT_GOING:
        return rsvp
    was_going = rsvp.status == RsvpStatus.GOING
    change_status(rsvp, RsvpStatus.NOT_GOING, actor=actor, now=now, notice=Notice.WITHDRAWN)
    if was_going:
        promote_waitlist(event, now=now)
    return rsvp


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


def _seats_left_message(left: int) -> str:
    if left == 0:
        return "No seats are left for more guests."
    return f"Only {left} more seat{'s are' if left > 1 else ' is'} free."


def closed_reason(event: Event, now: datetime, *, for_new_reply: bool = True) -> str | None:
    """Why replies are closed, or None. People who hold a place may withdraw
    until the start; new replies stop at the deadline."""
    if event.status == EventStatus.DRAFT:
        return "Replies open when the event is published."
    if event.status == EventStatus.CANCELLED:
        return "This event is cancelled."
    if now >= event.ends_at:
        return "This event is over."
    if now >= event.starts_at:
        return "This event has started; replies are closed."
    if for_new_reply and event.rsvp_deadline is not None and now >= event.rsvp_deadline:
        deadline = describe_moment(event.rsvp_deadline, event.timezone)
        return f"Replies closed on {deadline}."
    return None


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
            lock_event(event)
            db.session.refresh(rsvp)  # the waitlist may have moved it meanwhile
            was_going = rsvp.status == RsvpStatus.GOING
            change_status(rsvp, RsvpStatus.NOT_GOING, actor=None, now=now, notice=None)
            if was_going:
                promote_waitlist(event, now=now)
        db.session.delete(rsvp)
    db.session.flush()


def find_rsvp(event: Event, person: User) -> Rsvp | None:
    return db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
    )


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
