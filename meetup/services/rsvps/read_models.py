"""What pages show of replies, as read models: the reply box of the event
page, the hosts' list, one reply with its history, and My events. Flags and
labels are decided here, so templates only show them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from meetup.extensions import db
from meetup.models import (
    ACTIVE_STATUSES,
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
from meetup.services.errors import NotFound
from meetup.services.events.events import EventPage, is_host, require_host
from meetup.services.events.questions import list_questions
from meetup.services.outcomes.personal import EventOutcome, event_outcomes
from meetup.services.rsvps.replying import (
    closed_reason,
    directory_choice_value,
    find_rsvp,
    reply_in,
)
from meetup.services.rsvps.waitlist import SeatCount

_HOST_LIST_ORDER = (
    RsvpStatus.PENDING, RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.NOT_GOING,
    RsvpStatus.DECLINED, RsvpStatus.REMOVED,
)  # fmt: skip


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


def rsvp_panel(viewer: User | None, page: EventPage, *, now: datetime | None = None) -> RsvpPanel:
    """The reply box of `page` (get_event_page read the seats and the
    viewer's reply with the event); asks the questions only of someone who
    can reply, so anonymous visitors cost no query."""
    now = now or utcnow()
    event, rsvp, seats = page.event, page.viewer_rsvp, page.seats
    holds_place = rsvp is not None and rsvp.status in ACTIVE_STATUSES
    closed = closed_reason(event, now, for_new_reply=not holds_place)
    asks = page.has_questions and viewer is not None and not closed
    questions = list_questions(event) if asks else []
    asks_approval = event.is_approval_required and not page.viewer_is_host
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
        shows_pending_link=page.viewer_is_host and bool(seats.pending),
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


def get_reply(viewer: User, event: Event, rsvp_id: int | None = None) -> ReplyDetails:
    """The viewer's own reply (no `rsvp_id`), or any reply when the viewer hosts.

    :raise NotFound: no such reply, or it is someone else's and `viewer` does
        not host the event (its existence is private).
    """
    rsvp = find_rsvp(event, viewer) if rsvp_id is None else reply_in(event, rsvp_id)
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
    outcome: EventOutcome | None = None  # past events: what it did for the person

    @property
    def directory_choice(self) -> str:
        return directory_choice_value(self.rsvp)


@dataclass(frozen=True)
class MyEvents:
    upcoming: list[MyEvent]
    past: list[MyEvent]


def my_events(person: User, *, now: datetime | None = None) -> MyEvents:
    """Events the person replied to or hosts: upcoming (every reply, with its
    status and waitlist place) and past (the ones they went to or hosted, with
    what each did for them)."""
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
    outcomes = event_outcomes(person, [item.event for item in past], now=now)
    past = [replace(item, outcome=outcomes[item.event.id]) for item in past]
    return MyEvents(upcoming, past)
