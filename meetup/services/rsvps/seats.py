"""Seats: who holds one, who waits, when replies close, and the one call
that changes a reply's seat (change_reply), for the person replying, the
hosts deciding and the deletion of an account. It does the whole change in
this order, so no caller has to:

1. Lock the event (lock_event). On PostgreSQL that takes the event's row
   lock, so counting the free seats and the write that depends on the count
   cannot interleave with another request's; on SQLite the transaction holds
   the database's write lock already (BEGIN IMMEDIATE, transactions.begin_write).
   Everything after reads as committed by whoever held the lock before.
2. Check the reply may move: replies open, the person not declined or
   removed, the decision applies to the status, added guests fit.
3. Count the seats and choose the status.
4. Change the status (change_status): the waitlist stays numbered 1..n, the
   change is recorded (who, when, from, to) and its email queued (notices),
   in the caller's transaction: a change and its email commit together.
5. Give the seats freed to the waitlist, in its order (promote_waitlist).

Edits of an event that change its seats lock and promote the same way
(changing_event). Where a newcomer joins the waitlist and how its gaps close
is waitlist's.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, PermissionDenied
from meetup.lib.timezones import describe_moment
from meetup.models import (
    ACTIVE_STATUSES,
    DirectoryChoice,
    Event,
    EventStatus,
    Rsvp,
    RsvpChange,
    RsvpStatus,
    User,
)
from meetup.services.events.lookup import is_host
from meetup.services.rsvps import waitlist
from meetup.services.rsvps.notices import Notice, queue_notice
from meetup.services.rsvps.seat_count import count_seats


@dataclass(frozen=True)
class OwnReply:
    """A person's own reply, its fields already checked (replying.respond)."""

    person: User
    is_going: bool
    guests: int = 0
    answers: Mapping[str, str] = field(default_factory=dict)
    is_choosing_directory: bool = False  # False: directory_choice stays as it is
    directory_choice: DirectoryChoice | None = None  # None: follow the privacy setting
    is_listed_by_default: bool = True  # a new reply's Rsvp.is_person_listed


class Decision(enum.StrEnum):
    """A host's decision on one reply."""

    APPROVE = "approve"  # going if the party fits, else the waitlist
    DECLINE = "decline"
    REMOVE = "remove"  # their seat goes to the waitlist
    LET_IN = "let_in"  # from the waitlist, out of turn and even when full: the host's call


# The statuses each decision applies to, and what it says of any other.
DECISION_APPLIES_TO: Mapping[Decision, frozenset[RsvpStatus]] = {
    Decision.APPROVE: frozenset({RsvpStatus.PENDING}),
    Decision.DECLINE: frozenset({RsvpStatus.PENDING}),
    Decision.REMOVE: ACTIVE_STATUSES,
    Decision.LET_IN: frozenset({RsvpStatus.WAITLISTED}),
}


def decisions_applying_to(status: RsvpStatus) -> frozenset[Decision]:
    """The host decisions a reply in `status` allows (the hosts' pages offer these)."""
    return frozenset(
        decision for decision, applies in DECISION_APPLIES_TO.items() if status in applies
    )


_NOT_APPLICABLE = {
    Decision.APPROVE: "{name} is not waiting for approval.",
    Decision.DECLINE: "{name} is not waiting for approval.",
    Decision.REMOVE: "{name} is not on the list.",
    Decision.LET_IN: "{name} is not on the waitlist.",
}


@dataclass(frozen=True)
class HostDecision:
    """A host's decision on `rsvp`, the reason already checked (decisions)."""

    rsvp: Rsvp
    decision: Decision
    note: str = ""


@dataclass(frozen=True)
class Erasure:
    """The person's account goes: the seat is freed, nobody is emailed. The
    caller checked the reply holds a place and replies are open."""

    rsvp: Rsvp


@dataclass(frozen=True)
class _Move:
    """What a reply's change comes to: its new status (None: it keeps it),
    the email that says so, and whether it frees seats for the waitlist."""

    to: RsvpStatus | None = None
    notice: Notice | None = None
    note: str = ""
    frees_seats: bool = False


def change_reply(
    event: Event, ask: OwnReply | HostDecision | Erasure, *, actor: User | None, now: datetime
) -> Rsvp:
    """Change one reply of `event` as `ask` says, in the module's order: lock,
    check, count, change (recorded, email queued), promote. The caller
    checked the actor's rights and the fields; `actor` is recorded as the
    one who made the change (None: nobody, as for an erasure).

    :raise InvalidInput: replies are closed, the decision does not apply to
        the reply's status, or the added guests do not fit (nothing changes).
    :raise PermissionDenied: the hosts declined or removed the person.
    """
    lock_event(event)
    if isinstance(ask, OwnReply):
        _require_open(event, now)
        rsvp, move = _own_reply_move(event, find_rsvp(event, ask.person), ask, now)
        if ask.is_choosing_directory:  # only once nothing can refuse the reply
            rsvp.directory_choice = ask.directory_choice
    else:
        rsvp = ask.rsvp
        db.session.refresh(rsvp)  # as committed by whoever held the lock before
        if isinstance(ask, HostDecision):
            _require_open(event, now)
            move = _decision_move(event, rsvp, ask)
        else:
            move = _Move(RsvpStatus.NOT_GOING, frees_seats=rsvp.status == RsvpStatus.GOING)
    if move.to is not None:
        change_status(rsvp, move.to, actor=actor, now=now, notice=move.notice, note=move.note)
    else:
        db.session.flush()  # the fields alone changed, if any
    if move.frees_seats:
        promote_waitlist(event, now=now)
    return rsvp


@contextmanager
def changing_event(event: Event, *, now: datetime) -> Iterator[None]:
    """Around an edit of `event` that may change its seats (capacity): lock
    first, so no reply interleaves (and before any change to the event: the
    lock re-reads it), then give seats freed to the waitlist. Nothing moves
    when the edit raises."""
    lock_event(event)
    yield
    promote_waitlist(event, now=now)


def _own_reply_move(
    event: Event, rsvp: Rsvp | None, ask: OwnReply, now: datetime
) -> tuple[Rsvp, _Move]:
    """The person's reply: refused, or the reply (new if none) and its move;
    guests and answers are set on it, nothing is flushed."""
    if rsvp is not None and rsvp.status == RsvpStatus.DECLINED:
        raise PermissionDenied("The hosts declined your request for this event.")
    if rsvp is not None and rsvp.status == RsvpStatus.REMOVED:
        raise PermissionDenied("The hosts removed you from this event.")
    if not ask.is_going:
        return _not_going_move(event, rsvp, ask, now)
    if rsvp is not None and rsvp.status in ACTIVE_STATUSES:
        return rsvp, _changed_party(event, rsvp, ask, now)
    _require_open(event, now, for_new_reply=True)
    if rsvp is None:
        rsvp = _new_reply(event, ask, now)
    rsvp.guests, rsvp.answers = ask.guests, dict(ask.answers)
    if event.is_approval_required and not is_host(ask.person, event):
        return rsvp, _Move(RsvpStatus.PENDING, Notice.PENDING)
    if count_seats(event).fits(rsvp.party_size):
        return rsvp, _Move(RsvpStatus.GOING, Notice.GOING)
    return rsvp, _Move(RsvpStatus.WAITLISTED, Notice.WAITLISTED)


def _not_going_move(
    event: Event, rsvp: Rsvp | None, ask: OwnReply, now: datetime
) -> tuple[Rsvp, _Move]:
    if rsvp is None:
        # Saying "can't go" up front tells the hosts; nobody needs an email.
        return _new_reply(event, ask, now), _Move(RsvpStatus.NOT_GOING)
    if rsvp.status == RsvpStatus.NOT_GOING:
        return rsvp, _Move()
    was_going = rsvp.status == RsvpStatus.GOING
    return rsvp, _Move(RsvpStatus.NOT_GOING, Notice.WITHDRAWN, frees_seats=was_going)


def _new_reply(event: Event, ask: OwnReply, now: datetime) -> Rsvp:
    return Rsvp(
        event=event, user=ask.person, created_at=now, answers={},
        is_person_listed=ask.is_listed_by_default,
    )  # fmt: skip


def _changed_party(event: Event, rsvp: Rsvp, ask: OwnReply, now: datetime) -> _Move:
    """Guests or answers changed by someone holding a place: the status stays;
    a smaller party frees seats, a waiting party may fit now."""
    if ask.guests == rsvp.guests and ask.answers == rsvp.answers:
        return _Move()  # the same reply again: a double submit
    extra = ask.guests - rsvp.guests
    if extra > 0 and closed_reason(event, now, for_new_reply=True):
        raise InvalidInput("Replies are closed: you can no longer add guests.", field="guests")
    if rsvp.status == RsvpStatus.GOING and extra > 0:
        seats = count_seats(event)
        if not seats.fits(extra):
            raise InvalidInput(
                _seats_left_message(seats.left or 0) + " Your reply is unchanged.",
                field="guests",
            )
    rsvp.guests, rsvp.answers, rsvp.updated_at = ask.guests, dict(ask.answers), now
    return _Move(frees_seats=extra < 0 or rsvp.status == RsvpStatus.WAITLISTED)


def _decision_move(event: Event, rsvp: Rsvp, ask: HostDecision) -> _Move:
    if rsvp.status not in DECISION_APPLIES_TO[ask.decision]:
        raise InvalidInput(_NOT_APPLICABLE[ask.decision].format(name=rsvp.user.display_name))
    if ask.decision == Decision.APPROVE:
        fits = count_seats(event).fits(rsvp.party_size)
        return _Move(RsvpStatus.GOING if fits else RsvpStatus.WAITLISTED, Notice.APPROVED)
    if ask.decision == Decision.DECLINE:
        return _Move(RsvpStatus.DECLINED, Notice.DECLINED, ask.note)
    if ask.decision == Decision.REMOVE:
        was_going = rsvp.status == RsvpStatus.GOING
        return _Move(RsvpStatus.REMOVED, Notice.REMOVED, ask.note, frees_seats=was_going)
    return _Move(RsvpStatus.GOING, Notice.PROMOTED)


def _require_open(event: Event, now: datetime, *, for_new_reply: bool = False) -> None:
    closed = closed_reason(event, now, for_new_reply=for_new_reply)
    if closed:
        raise InvalidInput(closed)


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


def accepts_promotions(event: Event, now: datetime) -> bool:
    """The waitlist moves until replies close: at the deadline, or the start."""
    if event.status != EventStatus.PUBLISHED or now >= event.starts_at:
        return False
    return event.rsvp_deadline is None or now < event.rsvp_deadline


def find_rsvp(event: Event, person: User) -> Rsvp | None:
    return db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
    )


def lock_event(event: Event) -> None:
    """Serialise seat-changing writes on `event` and re-read it as committed.

    Call it before changing the event or any of its replies: the refresh
    would undo unflushed changes to the event itself.
    """
    # Fetched, not only executed: the ORM refreshes the loaded event from the
    # locked row as the row is read, not when the lock is taken.
    db.session.scalars(
        select(Event)
        .where(Event.id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


# Changing a status


def change_status(
    rsvp: Rsvp,
    to: RsvpStatus,
    *,
    actor: User | None,
    now: datetime,
    notice: Notice | None,
    note: str = "",
) -> None:
    """Move `rsvp` to status `to`: renumber the waitlist, record the change and
    queue `notice` to the person (None: tell nobody). The caller holds the lock."""
    before = rsvp.status
    if before == to:
        return
    old_position = rsvp.waitlist_position
    if to == RsvpStatus.WAITLISTED:
        # Counted before the change, so autoflush cannot count this reply.
        rsvp.waitlist_position = waitlist.next_position(rsvp.event.id)
    else:
        rsvp.waitlist_position = None
    rsvp.status = to
    rsvp.updated_at = now
    if rsvp.id is None:
        db.session.add(rsvp)
    db.session.flush()
    if before == RsvpStatus.WAITLISTED and old_position is not None:
        waitlist.close_gap(rsvp.event_id, old_position)
    change = RsvpChange(
        rsvp_id=rsvp.id,
        actor_id=actor.id if actor is not None else None,
        from_status=before,
        to_status=to,
        note=note,
        changed_at=now,
    )
    db.session.add(change)
    db.session.flush()
    if notice is not None:
        was_going = before == RsvpStatus.GOING
        queue_notice(rsvp, notice, note=note, change_id=change.id, was_going=was_going)


def promote_waitlist(event: Event, *, now: datetime) -> list[Rsvp]:
    """Give free seats to the waitlist, in order; a party goes only when all
    of it fits, so a smaller party behind it may go first. The caller holds
    the lock. :return: the replies promoted (each was emailed)."""
    if not accepts_promotions(event, now):
        return []
    left = count_seats(event).left
    if left == 0:
        return []
    promoted = []
    for rsvp in waitlist.in_order(event.id):
        if left is not None and rsvp.party_size > left:
            continue
        change_status(rsvp, RsvpStatus.GOING, actor=None, now=now, notice=Notice.PROMOTED)
        promoted.append(rsvp)
        if left is not None:
            left -= rsvp.party_size
            if left == 0:
                break
    return promoted
