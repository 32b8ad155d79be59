""" "I'd like to stay in touch": a private tick that connects only when mutual.

From an event's start until TICK_WINDOW after its end, a person who attended
it (rsvps.attendance's rule; before its end, going is enough) may tick the
people its list shows them as an attendee (privacy.tickable_condition: a
host's right to see every reply gives no right to tick), and untick them. Nobody but the ticker ever
learns of a tick: no page, count, email or export shows it to anyone else.
When two people tick each other for the same event, they are connected at
once (remembering that event), the requests between them are settled, and
each gets one email. The pair is locked first, so two people ticking each
other at the same moment form one connection; ticking twice changes nothing.

Ticks pair up within one event only: a tick is said on one event's directory
and can be taken back only in that event's window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from meetup.database import insert_ignoring_conflicts
from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound
from meetup.lib.tokens import read_token, token_maker
from meetup.lib.urls import external_url
from meetup.models import ActionKind, Event, EventStatus, Rsvp, RsvpStatus, StayInTouch, User
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.accounts import actions
from meetup.services.connections.mails import queue_mutual_mails
from meetup.services.connections.pairs import connect_pair, is_connected, lock_pair
from meetup.services.directory.attendee_list import (
    DirectoryFilters,
    DirectoryPage,
    visible_attendees,
)
from meetup.services.rsvps.attendance import attended

TICK_WINDOW = timedelta(days=30)  # after the event's end
LINK_LIFETIME = timedelta(days=14)
LINK_PURPOSE = "stay-in-touch"
TICKS_PER_DAY = 100  # ticks said, untick or not (see services.accounts.actions)

# What a tick did.
TICKED, CONNECTED = "ticked", "connected"


def window_closes_at(event: Event) -> datetime:
    return event.ends_at + TICK_WINDOW


def is_window_open(event: Event, *, now: datetime) -> bool:
    """Is it the time to tick people of `event` (from its start until
    TICK_WINDOW after its end)? Only for a published event."""
    return event.status == EventStatus.PUBLISHED and event.starts_at <= now < window_closes_at(
        event
    )


def may_tick_at(ticker: User, event: Event, *, now: datetime) -> bool:
    """May `ticker` tick people of `event` now? In its window, with a
    confirmed address, having attended it (before its end: going)."""
    if not ticker.is_verified or not is_window_open(event, now=now):
        return False
    if now < event.ends_at:
        return _is_going(ticker.id, event.id)
    return attended(ticker.id, event.id, now=now)


def tickable_ids(ticker: User, event: Event, candidates: list[int]) -> frozenset[int]:
    """Those of `candidates` whom `ticker` may tick on `event`'s list
    (privacy.tickable_condition, where the list opens to them as an
    attendee: hosts get no extra right). One query."""
    if not candidates or not privacy.may_open_list(
        event, viewer_is_host=False, viewer_is_going=_is_going(ticker.id, event.id)
    ):
        return frozenset()
    return frozenset(
        db.session.scalars(
            select(User.id)
            .join(Rsvp, Rsvp.user_id == User.id)
            .where(
                Rsvp.event_id == event.id,
                privacy.tickable_condition(ticker),
                User.id.in_(candidates),
            )
        )
    )


def _is_going(person_id: int, event_id: int) -> bool:
    return (
        db.session.scalar(
            select(Rsvp.id).where(
                Rsvp.event_id == event_id,
                Rsvp.user_id == person_id,
                Rsvp.status == RsvpStatus.GOING,
            )
        )
        is not None
    )


def _require_open(ticker: User, event: Event, *, now: datetime) -> None:
    """:raise InvalidInput: not the time, or `ticker` did not attend."""
    if not is_window_open(event, now=now):
        raise InvalidInput(
            f"You can tick the people of {event.title} from its start "
            f"until {TICK_WINDOW.days} days after its end."
        )
    if not may_tick_at(ticker, event, now=now):
        raise InvalidInput(f"Only the people who attended {event.title} can tick its people.")


def _person_to_tick(ticker: User, event: Event, person_id: int) -> User:
    """:raise NotFound: not someone `ticker` may tick (the same answer for
    nobody, hidden, blocked or oneself: asking reveals nothing)."""
    person = db.session.get(User, person_id)
    if person is None or person_id not in tickable_ids(ticker, event, [person_id]):
        raise NotFound("There is no such person.")
    return person


def tick(ticker: User, event: Event, person_id: int, *, now: datetime | None = None) -> str:
    """`ticker` would like to stay in touch with `person_id`, met at `event`.
    If they ticked `ticker` for this event too, the two are connected now.

    :return: CONNECTED if the tick made a new connection, else TICKED
        (nobody is told): ticking a connection is TICKED whether or not they
        ticked too, as their tick is theirs alone.
    :raise InvalidInput: outside the window, `ticker` did not attend, or
        ticked TICKS_PER_DAY times in the last day.
    :raise NotFound: `person_id` is not shown to `ticker` in the directory.
    """
    now = now or utcnow()
    _require_open(ticker, event, now=now)
    person = _person_to_tick(ticker, event, person_id)
    lock_pair(ticker.id, person.id)
    if not _has_ticked(ticker.id, person.id, event.id):
        actions.require_under_cap(
            ticker, ActionKind.TICK, per_day=TICKS_PER_DAY, now=now,
            refusal=f"You ticked {TICKS_PER_DAY} people today. Tick again tomorrow.",
        )  # fmt: skip
        actions.record_action(ticker, ActionKind.TICK, now=now)
    db.session.execute(
        insert_ignoring_conflicts(
            db.session, StayInTouch.__table__, unique=["ticker_id", "ticked_id", "event_id"]
        ),
        [{"ticker_id": ticker.id, "ticked_id": person.id, "event_id": event.id, "created_at": now}],
    )
    if is_connected(ticker.id, person.id) or not _has_ticked(person.id, ticker.id, event.id):
        return TICKED
    connection = connect_pair(ticker.id, person.id, event_id=event.id, now=now)
    if connection is None:  # not reached: the pair is locked and was not connected
        return TICKED
    queue_mutual_mails(connection, ticker, person, event)
    return CONNECTED


def untick(ticker: User, event: Event, person_id: int, *, now: datetime | None = None) -> None:
    """Take back `ticker`'s tick (a connection it made stays). Unticking
    what was not ticked changes nothing.

    :raise InvalidInput: outside the window.
    """
    now = now or utcnow()
    if not is_window_open(event, now=now):
        raise InvalidInput(
            f"The time to tick the people of {event.title} is over: it ended "
            f"{TICK_WINDOW.days} days after the event."
        )
    db.session.execute(
        delete(StayInTouch).where(
            StayInTouch.ticker_id == ticker.id,
            StayInTouch.ticked_id == person_id,
            StayInTouch.event_id == event.id,
        )
    )


def _has_ticked(ticker_id: int, ticked_id: int, event_id: int) -> bool:
    return (
        db.session.scalar(
            select(StayInTouch.id).where(
                StayInTouch.ticker_id == ticker_id,
                StayInTouch.ticked_id == ticked_id,
                StayInTouch.event_id == event_id,
            )
        )
        is not None
    )


# The directory, as the ticker sees it


@dataclass(frozen=True)
class Ticks:
    """The viewer's own ticks on one page of a directory (nobody else's)."""

    tickable: frozenset[int]  # the people on the page the viewer may tick
    ticked: frozenset[int]  # those of them the viewer ticked
    closes_at: datetime | None  # None: the viewer may not tick here


NO_TICKS = Ticks(frozenset(), frozenset(), None)


@dataclass(frozen=True)
class TickingDirectory:
    page: DirectoryPage
    ticks: Ticks


def directory_with_ticks(
    viewer: User | None,
    event: Event,
    filters: DirectoryFilters,
    *,
    page: int = 1,
    now: datetime | None = None,
    also: Sequence[int] = (),
) -> TickingDirectory:
    """A page of `event`'s directory (directory.visible_attendees) with the
    viewer's own ticks, where they may tick; `also`: more people the page
    shows (its suggestions), whose ticks it needs too.

    :raise PermissionDenied, LoginRequired: see visible_attendees.
    """
    now = now or utcnow()
    people = visible_attendees(viewer, event, filters, page=page)
    if viewer is None or not may_tick_at(viewer, event, now=now):
        return TickingDirectory(people, NO_TICKS)
    tickable = tickable_ids(viewer, event, [card.user_id for card in people.people] + [*also])
    ticked = frozenset(
        db.session.scalars(
            select(StayInTouch.ticked_id).where(
                StayInTouch.ticker_id == viewer.id,
                StayInTouch.event_id == event.id,
                StayInTouch.ticked_id.in_(tickable),
            )
        )
    )
    return TickingDirectory(people, Ticks(tickable, ticked, window_closes_at(event)))


# Signed links (the follow-up email carries one per person)


def tick_link_url(ticker: User, person: User, event: Event) -> str:
    """The signed, expiring address of the page where `ticker` confirms a
    tick of `person` for `event` (valid LINK_LIFETIME; only for `ticker`)."""
    return tick_links(event)(ticker.id, person.id)


def tick_links(event: Event) -> Callable[[int, int], str]:
    """tick_link_url for many links of one event, by (ticker id, person id):
    the follow-up job makes 20 per recipient, so the signer is set up and
    the page's address built once (a token needs no quoting in a path)."""
    sign, event_id = token_maker(LINK_PURPOSE), event.id
    prefix = external_url("connections.stay_in_touch_link", token="-").removesuffix("-")

    def link(ticker_id: int, person_id: int) -> str:
        return prefix + sign({"ticker": ticker_id, "person": person_id, "event": event_id})

    return link


@dataclass(frozen=True)
class LinkTarget:
    """What a link asks its reader to confirm."""

    person: User
    event: Event
    is_ticked: bool


def find_link(actor: User, token: str, *, now: datetime | None = None) -> LinkTarget:
    """The tick a link offers `actor`, who must be the person it was made for.

    :raise NotFound: a forged, expired or someone else's link, or a person
        `actor` may no longer tick (one answer: the page says nothing).
    :raise InvalidInput: outside the window, or `actor` did not attend.
    """
    now = now or utcnow()
    try:
        payload = read_token(LINK_PURPOSE, token, max_age=LINK_LIFETIME)
    except InvalidInput:
        raise NotFound("There is no such link.") from None
    if payload.get("ticker") != actor.id:
        raise NotFound("There is no such link.")
    event = db.session.get(Event, payload.get("event"))
    if event is None:
        raise NotFound("There is no such link.")
    person = _person_to_tick(actor, event, payload.get("person"))
    _require_open(actor, event, now=now)
    return LinkTarget(person, event, _has_ticked(actor.id, person.id, event.id))


def tick_by_link(actor: User, token: str, *, now: datetime | None = None) -> tuple[str, User]:
    """Tick the person a link offers `actor` (see find_link and tick).

    :return: what the tick did, and the person ticked.
    """
    target = find_link(actor, token, now=now)
    return tick(actor, target.event, target.person.id, now=now), target.person
