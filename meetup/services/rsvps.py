"""Replies to events: going or not, guests, answers, the hosts' approvals and
removals, and what each person and host may read of them.

Statuses and their meaning are in DESIGN.md. Every write here locks the event
first (waitlist.lock_event) and changes statuses only through
waitlist.change_status, so capacity holds under any number of concurrent
requests, and every change is recorded and emailed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from meetup.extensions import db
from meetup.models import (
    ACTIVE_STATUSES,
    DirectoryChoice,
    Event,
    EventHost,
    EventQuestion,
    EventStatus,
    Rsvp,
    RsvpChange,
    RsvpStatus,
    User,
)
from meetup.models.types import utcnow
from meetup.services.accounts import require_verified
from meetup.services.errors import InvalidInput, NotFound, PermissionDenied
from meetup.services.events import can_view_event, is_host, require_host
from meetup.services.questions import clean_answers, list_questions
from meetup.services.text import clean_text
from meetup.services.timezones import describe_moment
from meetup.services.waitlist import (
    Notice,
    SeatCount,
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


# Replying


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
        rsvp = Rsvp(event=event, user=actor, created_at=now)
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
        rsvp = Rsvp(event=event, user=actor, created_at=now, answers={})
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


# The hosts' decisions


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


# Reading


@dataclass(frozen=True)
class RsvpPanel:
    """What the event page shows about replies, for one viewer: the facts, and
    the flags and labels the template shows without deciding anything."""

    seats: SeatCount
    rsvp: Rsvp | None  # the viewer's own reply
    closed: str | None  # why the viewer cannot reply now, if they cannot
    questions: list[EventQuestion]
    # What the reply box offers: "closed", "log_in", "confirm_email", "final"
    # (declined or removed: nothing to do), or "form".
    state: str
    holds_place: bool  # going, waitlisted or pending
    going_label: str | None  # the button that replies "going"; None: no such button
    not_going_label: str | None  # the button that replies "can't go"; None: none
    asks_approval: bool  # the hosts approve each reply (said to people who are not hosts)
    shows_ticket: bool
    shows_waitlist_rule: bool  # the event is full or has a queue: say how seats move
    shows_pending_link: bool  # for hosts: replies waiting for their approval

    @property
    def is_going(self) -> bool:
        return self.rsvp is not None and self.rsvp.status == RsvpStatus.GOING


def rsvp_panel(
    viewer: User | None, event: Event, *, viewer_is_host: bool, now: datetime | None = None
) -> RsvpPanel:
    now = now or utcnow()
    rsvp = find_rsvp(event, viewer) if viewer is not None else None
    holds_place = rsvp is not None and rsvp.status in ACTIVE_STATUSES
    closed = closed_reason(event, now, for_new_reply=not holds_place)
    seats = count_seats(event)
    # Asked only of someone who can reply: anonymous visitors cost no query.
    questions = list_questions(event) if viewer is not None and not closed else []
    asks_approval = event.is_approval_required and not viewer_is_host
    return RsvpPanel(
        seats=seats,
        rsvp=rsvp,
        closed=closed,
        questions=questions,
        state=_panel_state(viewer, rsvp, closed),
        holds_place=holds_place,
        going_label=_going_label(
            event,
            seats,
            holds_place=holds_place,
            asks_approval=asks_approval,
            has_details=bool(event.guest_limit or questions),
        ),
        not_going_label=_not_going_label(rsvp, holds_place=holds_place),
        asks_approval=asks_approval,
        shows_ticket=(
            rsvp is not None
            and rsvp.status == RsvpStatus.GOING
            and event.status == EventStatus.PUBLISHED
        ),
        shows_waitlist_rule=bool(seats.waitlisted or (seats.capacity and not seats.left)),
        shows_pending_link=viewer_is_host and bool(seats.pending),
    )


def _not_going_label(rsvp: Rsvp | None, *, holds_place: bool) -> str | None:
    if rsvp is not None and rsvp.status == RsvpStatus.NOT_GOING:
        return None  # said already
    return "Withdraw" if holds_place else "Can't go"


def _panel_state(viewer: User | None, rsvp: Rsvp | None, closed: str | None) -> str:
    if closed:
        return "closed"
    if viewer is None:
        return "log_in"
    if not viewer.is_verified:
        return "confirm_email"
    if rsvp is not None and rsvp.status in (RsvpStatus.DECLINED, RsvpStatus.REMOVED):
        return "final"
    return "form"


def _going_label(
    event: Event, seats: SeatCount, *, holds_place: bool, asks_approval: bool, has_details: bool
) -> str | None:
    """The words on the "going" button, or None when it would change nothing
    (already holding a place, with no guests or answers to update)."""
    if holds_place:
        return "Update my reply" if has_details else None
    if asks_approval:
        return "Ask to join"
    if seats.capacity and not seats.left and not event.is_approval_required:
        return "Join the waitlist"
    return "I'm going"


def find_rsvp(event: Event, person: User) -> Rsvp | None:
    return db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
    )


@dataclass(frozen=True)
class ReplyRow:
    """One line of the hosts' list of replies."""

    rsvp_id: int
    user_id: int
    display_name: str
    email: str
    status: RsvpStatus
    guests: int
    waitlist_position: int | None
    answers: dict[str, str]
    checked_in_at: datetime | None
    replied_at: datetime
    updated_at: datetime


def list_replies(
    actor: User, event: Event, *, status: str = "", search: str = ""
) -> list[ReplyRow]:
    """The replies to `event`, for its hosts, in one query: pending first, then
    going, the waitlist in order, and the rest. `status` keeps one status;
    `search` matches names and email addresses, ignoring case.

    :raise PermissionDenied: `actor` is not a host.
    """
    require_host(actor, event)
    columns = (
        Rsvp.id, Rsvp.user_id, User.display_name, User.email, Rsvp.status, Rsvp.guests,
        Rsvp.waitlist_position, Rsvp.answers, Rsvp.checked_in_at, Rsvp.created_at,
        Rsvp.updated_at,
    )  # fmt: skip
    query = (
        select(*columns)
        .join(User, User.id == Rsvp.user_id)
        .where(Rsvp.event_id == event.id)
        .order_by(Rsvp.created_at, Rsvp.id)
    )
    if status in RsvpStatus.__members__.values():
        query = query.where(Rsvp.status == RsvpStatus(status))
    for word in search.lower().split()[:5]:
        query = query.where(
            func.lower(User.display_name).contains(word, autoescape=True)
            | User.email.contains(word, autoescape=True)
        )
    replies = [ReplyRow(*row) for row in db.session.execute(query)]
    order = {status: rank for rank, status in enumerate(_HOST_LIST_ORDER)}
    replies.sort(key=lambda row: (order[row.status], row.waitlist_position or 0))
    return replies


_HOST_LIST_ORDER = (
    RsvpStatus.PENDING, RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.NOT_GOING,
    RsvpStatus.DECLINED, RsvpStatus.REMOVED,
)  # fmt: skip


@dataclass(frozen=True)
class AnsweredQuestion:
    question: str
    answer: str


@dataclass(frozen=True)
class ReplyDetails:
    """A reply with its answers and history: for the person and the hosts only."""

    rsvp: Rsvp
    answers: list[AnsweredQuestion]
    changes: list[RsvpChange]
    viewer_is_host: bool


def find_reply(event: Event, rsvp_id: int) -> Rsvp:
    """One reply of `event`, for its hosts' tools (a reply of another event
    is not found here).

    :raise NotFound: no such reply of this event.
    """
    rsvp = _reply_of(event, rsvp_id)
    if rsvp is None:
        raise NotFound("There is no such reply.")
    return rsvp


def _reply_of(event: Event, rsvp_id: int) -> Rsvp | None:
    rsvp = db.session.get(Rsvp, rsvp_id)
    return rsvp if rsvp is not None and rsvp.event_id == event.id else None


def get_reply(viewer: User, event: Event, rsvp_id: int | None = None) -> ReplyDetails:
    """The viewer's own reply (no `rsvp_id`), or any reply when the viewer hosts.

    :raise NotFound: no such reply, or it is someone else's and `viewer` does
        not host the event (its existence is private).
    """
    rsvp = find_rsvp(event, viewer) if rsvp_id is None else _reply_of(event, rsvp_id)
    viewer_is_host = is_host(viewer, event)
    if rsvp is None or (rsvp.user_id != viewer.id and not viewer_is_host):
        raise NotFound("There is no such reply.")
    changes = list(
        db.session.scalars(
            select(RsvpChange)
            .where(RsvpChange.rsvp_id == rsvp.id)
            .options(selectinload(RsvpChange.actor))
            .order_by(RsvpChange.id)
        )
    )
    answers = [
        AnsweredQuestion(question.label, rsvp.answers.get(str(question.id), ""))
        for question in list_questions(event)
    ]
    return ReplyDetails(rsvp, answers, changes, viewer_is_host)


@dataclass(frozen=True)
class MyEvent:
    event: Event
    rsvp: Rsvp | None  # None: hosting without a reply
    is_host: bool
    # The person may still show or hide themselves in its list of people.
    can_choose_directory: bool = False

    @property
    def directory_choice(self) -> str:
        return directory_choice_value(self.rsvp)


@dataclass(frozen=True)
class MyEvents:
    upcoming: list[MyEvent]
    past: list[MyEvent]


def my_events(person: User, *, now: datetime | None = None) -> MyEvents:
    """Events the person replied to or hosts: upcoming (every reply, with its
    status and waitlist place) and past (the ones they went to or hosted)."""
    now = now or utcnow()
    replies = {
        rsvp.event_id: rsvp
        for rsvp in db.session.scalars(
            select(Rsvp).where(Rsvp.user_id == person.id).options(joinedload(Rsvp.event))
        )
    }
    hosted = {
        event.id: event
        for event in db.session.scalars(
            select(Event).join(EventHost).where(EventHost.user_id == person.id)
        )
    }
    events = {rsvp.event_id: rsvp.event for rsvp in replies.values()} | hosted
    upcoming, past = [], []
    for event in sorted(events.values(), key=lambda e: e.starts_at):
        rsvp = replies.get(event.id)
        item = MyEvent(
            event,
            rsvp,
            event.id in hosted,
            can_choose_directory=(
                rsvp is not None and rsvp.status in ACTIVE_STATUSES and event.ends_at > now
            ),
        )
        if event.ends_at > now:
            upcoming.append(item)
        elif item.is_host or (item.rsvp and item.rsvp.status == RsvpStatus.GOING):
            past.append(item)
    past.reverse()
    return MyEvents(upcoming, past)


def export_replies(person: User) -> list[dict[str, Any]]:
    """The person's replies for their data export, with answers and history."""
    rsvps = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.user_id == person.id)
        .options(joinedload(Rsvp.event), selectinload(Rsvp.changes))
        .order_by(Rsvp.id)
    )
    exported = []
    for rsvp in rsvps:
        labels = {str(q.id): q.label for q in list_questions(rsvp.event)}
        exported.append(
            {
                "event": rsvp.event.title,
                "slug": rsvp.event.slug,
                "status": rsvp.status.value,
                "guests": rsvp.guests,
                "waitlist_position": rsvp.waitlist_position,
                "answers": [
                    {"question": labels.get(key, "(a question the hosts removed)"), "answer": value}
                    for key, value in rsvp.answers.items()
                ],
                "replied_at": rsvp.created_at.isoformat(),
                "checked_in_at": rsvp.checked_in_at.isoformat() if rsvp.checked_in_at else None,
                "directory_choice": rsvp.directory_choice.value if rsvp.directory_choice else None,
                "history": [
                    {
                        "at": change.changed_at.isoformat(),
                        "from": change.from_status.value if change.from_status else None,
                        "to": change.to_status.value,
                        "by_self": change.actor_id == person.id,
                        "note": change.note,
                    }
                    for change in rsvp.changes
                ],
            }
        )
    return exported
