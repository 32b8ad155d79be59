"""What one's network looks like: My network (connections with where you met,
search and filters), one connection, and the requests waiting either way.
Every field of a person passes through the privacy rules: what a connection
shows is what its viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.errors import NotFound
from meetup.models import (
    Connection,
    ConnectionRequest,
    RequestStatus,
    User,
)
from meetup.models.types import utcnow
from meetup.models.user import Goal, GoalDirection
from meetup.services import privacy
from meetup.services.connections.pairs import is_connected, ordered_pair
from meetup.services.connections.request_states import REQUEST_LIFETIME, seen_waiting_condition
from meetup.services.rsvps.attendance import MetAt, met_at


@dataclass(frozen=True)
class NetworkEntry:
    """One connection as My network shows it."""

    user_id: int
    display_name: str
    shows_profile: bool  # else: the name and where you met only
    headline: str
    company: str
    interests: list[str]
    offers: list[Goal]
    seeks: list[Goal]
    links: list[str]
    email: str  # only where the person allows their connections to see it
    met: list[MetAt]
    connected_at: datetime


@dataclass(frozen=True)
class NetworkFilters:
    query: str = ""
    interest: str = ""
    offers: str = ""
    seeks: str = ""


def my_network(
    viewer: User, filters: NetworkFilters | None = None, *, now: datetime | None = None
) -> list[NetworkEntry]:
    """`viewer`'s connections, by name, in four queries whatever their number;
    filters apply to what the viewer may see of each person."""
    now = now or utcnow()
    filters = filters or NetworkFilters()
    rows = db.session.execute(
        select(User, Connection.created_at)
        .join(
            Connection,
            or_(
                and_(Connection.first_id == viewer.id, Connection.second_id == User.id),
                and_(Connection.second_id == viewer.id, Connection.first_id == User.id),
            ),
        )
        .where(User.deleted_at.is_(None))
        .options(selectinload(User.interests), selectinload(User.goals))
        .order_by(func.lower(User.display_name), User.id)
    ).all()
    people = [(person, at) for person, at in rows if person.id not in privacy.blocked_ids(viewer)]
    met = met_at(viewer.id, [person.id for person, _ in people], now=now)
    entries = [_entry(viewer, person, at, met[person.id]) for person, at in people]
    return [entry for entry in entries if _matches(entry, filters)]


def _entry(viewer: User, person: User, connected_at: datetime, met: list[MetAt]) -> NetworkEntry:
    shows = privacy.can_see_profile(viewer, person)
    return NetworkEntry(
        user_id=person.id,
        display_name=person.display_name,
        shows_profile=shows,
        headline=person.headline if shows else "",
        company=person.company if shows else "",
        interests=[i.name for i in person.interests] if shows else [],
        offers=person.goals_in(GoalDirection.OFFERS) if shows else [],
        seeks=person.goals_in(GoalDirection.SEEKS) if shows else [],
        links=list(person.links) if shows else [],
        email=person.email if privacy.can_see_email(viewer, person, connected=True) else "",
        met=met,
        connected_at=connected_at,
    )


def _matches(entry: NetworkEntry, filters: NetworkFilters) -> bool:
    if filters.query and filters.query.casefold() not in entry.display_name.casefold():
        return False
    if filters.interest and filters.interest.casefold() not in entry.interests:
        return False
    if filters.offers and filters.offers not in {goal.value for goal in entry.offers}:
        return False
    return not (filters.seeks and filters.seeks not in {goal.value for goal in entry.seeks})


def connection_entry(viewer: User, person_id: int, *, now: datetime | None = None) -> NetworkEntry:
    """One of `viewer`'s connections, as My network shows them.

    :raise NotFound: not connected (or blocked).
    """
    now = now or utcnow()
    person = find_connection(viewer, person_id)
    first, second = ordered_pair(viewer.id, person.id)
    connected_at = db.session.scalar(
        select(Connection.created_at).where(
            Connection.first_id == first, Connection.second_id == second
        )
    )
    return _entry(viewer, person, connected_at, met_at(viewer.id, [person.id], now=now)[person.id])


def find_connection(viewer: User, person_id: int) -> User:
    """A person `viewer` is connected to.

    :raise NotFound: not connected (or blocked).
    """
    person = db.session.get(User, person_id)
    if (
        person is None
        or person.deleted_at is not None
        or person.id in privacy.blocked_ids(viewer)
        or not is_connected(viewer.id, person.id)
    ):
        raise NotFound("You are not connected to this person.")
    return person


@dataclass(frozen=True)
class IncomingRequest:
    id: int
    user_id: int
    display_name: str
    headline: str  # where the asker's profile is visible to the viewer
    note: str
    met_at: str  # the event's title, or ""
    created_at: datetime


@dataclass(frozen=True)
class OutgoingRequest:
    id: int
    user_id: int
    display_name: str
    created_at: datetime


@dataclass(frozen=True)
class Requests:
    incoming: list[IncomingRequest]
    outgoing: list[OutgoingRequest]


def my_requests(viewer: User, *, now: datetime | None = None) -> Requests:
    """Requests waiting for `viewer`'s answer, and `viewer`'s own waiting ones."""
    now = now or utcnow()
    blocked = privacy.blocked_ids(viewer)
    waiting = db.session.scalars(
        select(ConnectionRequest)
        .where(
            ConnectionRequest.addressee_id == viewer.id,
            ConnectionRequest.status == RequestStatus.PENDING,
            ConnectionRequest.created_at > now - REQUEST_LIFETIME,
        )
        .options(selectinload(ConnectionRequest.requester), selectinload(ConnectionRequest.event))
        .order_by(ConnectionRequest.created_at.desc())
    ).all()
    # Where they met, as the viewer may be told it now (attendance.met_at).
    met = met_at(viewer.id, [request.requester_id for request in waiting], now=now)
    incoming = [
        IncomingRequest(
            id=request.id,
            user_id=request.requester_id,
            display_name=request.requester.display_name,
            headline=(
                request.requester.headline
                if privacy.can_see_profile(viewer, request.requester)
                else ""
            ),
            note=request.note,
            met_at=(
                request.event.title
                if request.event is not None
                and request.event_id in {m.event_id for m in met[request.requester_id]}
                else ""
            ),
            created_at=request.created_at,
        )
        for request in waiting
        if request.requester_id not in blocked and request.requester.deleted_at is None
    ]
    outgoing = [
        OutgoingRequest(
            request.id, request.addressee_id, request.addressee.display_name, request.created_at
        )
        for request in db.session.scalars(
            select(ConnectionRequest)
            .where(
                ConnectionRequest.requester_id == viewer.id,
                seen_waiting_condition(now=now),  # an ignored one too: silence
            )
            .options(selectinload(ConnectionRequest.addressee))
            .order_by(ConnectionRequest.created_at.desc())
        )
        # One's own requests, blocks notwithstanding: a block leaves the
        # blocked person's request looking waiting (blocks._end_between).
        if request.addressee.deleted_at is None
    ]
    return Requests(incoming, outgoing)


def waiting_count(viewer: User, *, now: datetime | None = None) -> int:
    """How many requests wait for `viewer`'s answer (the menu's count)."""
    return db.session.scalar(_waiting_for(viewer.id, since=(now or utcnow()) - REQUEST_LIFETIME))


@cache
def waiting_count_column() -> ScalarSelect[int]:
    """waiting_count as a column of a query of people (User), so the page's
    viewer and the menu's count are read in one statement. Built once: the
    time it counts from is taken at each execution."""
    since = bindparam("waiting_since", callable_=lambda: utcnow() - REQUEST_LIFETIME)
    return _waiting_for(User.id, since=since).correlate(User).scalar_subquery()


def _waiting_for(
    addressee_id: int | ColumnElement[int], *, since: datetime | BindParameter[datetime]
) -> Select:
    return (
        select(func.count())
        .select_from(ConnectionRequest)
        .where(
            ConnectionRequest.addressee_id == addressee_id,
            ConnectionRequest.status == RequestStatus.PENDING,
            ConnectionRequest.created_at > since,
        )
    )
