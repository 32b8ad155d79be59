"""Connections: asking, answering, and one's network.

A person can be asked only where they are visible to the asker: a profile the
asker may see, or an event's directory that shows them to the asker as an
ordinary attendee (a host's right to see every reply gives no right to ask).
Ignoring is silent: the asker sees the request as waiting until it expires,
and may not ask again for IGNORED_FOR. Two people asking each other end with
one connection, whatever the timing: the pair is locked first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.text import clean_text
from meetup.lib.urls import external_url
from meetup.mail.outbox import Mail, queue_mail
from meetup.models import (
    ActionKind,
    Connection,
    ConnectionRequest,
    Event,
    EventStatus,
    RequestStatus,
    Rsvp,
    RsvpStatus,
    StayInTouch,
    User,
)
from meetup.models.connection import NOTE_MAX_LENGTH
from meetup.models.types import utcnow
from meetup.services.accounts import actions, privacy
from meetup.services.accounts.accounts import require_verified
from meetup.services.connections.attendance import met_at
from meetup.services.directory.directory import shown_condition, shows_person
from meetup.services.errors import NotFound

REQUEST_LIFETIME = timedelta(days=90)
IGNORED_FOR = timedelta(days=90)
REQUESTS_PER_DAY = 30


# The relation between a viewer and a person, for the Connect button.
SELF, CONNECTED, ASKED, ASKED_YOU, CAN_ASK, CANNOT_ASK = (
    "self", "connected", "asked", "asked_you", "can_ask", "cannot_ask",
)  # fmt: skip


def ordered_pair(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


def is_connected(first_id: int, second_id: int) -> bool:
    return privacy.are_connected(first_id, second_id)


def can_ask(asker: User, person: User) -> bool:
    """May `asker` ask `person` to connect? Only where `person` is visible to
    them, never themselves, and with a confirmed address. Across a block: the
    blocker never; the person blocked as a visitor would (a public profile),
    for a block is silent, and their request is ignored at once."""
    if asker.id == person.id or person.deleted_at is not None or not asker.is_verified:
        return False
    if person.id in privacy.blocked_ids(asker):
        return _blocked_only_by(person, asker) and privacy.can_see_profile(None, person)
    return privacy.can_see_profile(asker, person) or shown_in_a_directory(asker, person)


def _blocked_only_by(blocker: User, blocked: User) -> bool:
    """`blocker` blocked `blocked`, who did not block them back."""
    return privacy.has_blocked(blocker.id, blocked.id) and not privacy.has_blocked(
        blocked.id, blocker.id
    )


def shown_in_a_directory(viewer: User, person: User) -> bool:
    """Does some event's directory show `person` to `viewer` as an attendee?"""
    rows = db.session.execute(
        select(Event, shown_condition().label("shown"))
        .join(Rsvp, Rsvp.event_id == Event.id)
        .join(User, User.id == Rsvp.user_id)
        .where(
            Rsvp.user_id == person.id,
            Rsvp.status == RsvpStatus.GOING,
            Event.status == EventStatus.PUBLISHED,
            shown_condition(),
        )
        .options(selectinload(Event.hosts))
    ).all()
    if not rows:
        return False
    viewer_going = set(
        db.session.scalars(
            select(Rsvp.event_id).where(
                Rsvp.user_id == viewer.id,
                Rsvp.status == RsvpStatus.GOING,
                Rsvp.event_id.in_([event.id for event, _ in rows]),
            )
        )
    )
    return any(
        shows_person(
            viewer, event, person_shown=shown, viewer_is_going=event.id in viewer_going,
            as_attendee=True,
        )
        for event, shown in rows
    )  # fmt: skip


def relation(viewer: User | None, person: User, *, now: datetime | None = None) -> str:
    """What the Connect button says of `person` to `viewer` (see the names above)."""
    now = now or utcnow()
    if viewer is None:
        return CANNOT_ASK
    if viewer.id == person.id:
        return SELF
    if person.id in privacy.blocked_ids(viewer) and not _blocked_only_by(person, viewer):
        return CANNOT_ASK  # the blocker's side: they know
    if is_connected(viewer.id, person.id):
        return CONNECTED
    if _live_request(viewer.id, person.id, now=now, as_seen_by_asker=True) is not None:
        return ASKED
    if _live_request(person.id, viewer.id, now=now) is not None:
        return ASKED_YOU
    return CAN_ASK if can_ask(viewer, person) else CANNOT_ASK


def find_person_to_ask(asker: User, person_id: int) -> User:
    """The person `asker` may ask to connect.

    :raise NotFound: no such person, or not visible to `asker` (the same
        answer either way: asking reveals nothing).
    """
    person = db.session.get(User, person_id)
    if person is None or not can_ask(asker, person):
        raise NotFound("There is no such person.")
    return person


def ask_to_connect(
    asker: User, person_id: int, *, note: str = "", event_id: int | None = None,
    now: datetime | None = None,
) -> str:  # fmt: skip
    """Ask `person_id` to connect; if they asked first, that is a yes and
    the connection forms. Asking twice changes nothing.

    :return: CONNECTED or ASKED.
    :raise PermissionDenied: `asker` has not confirmed their address.
    :raise NotFound: see find_person_to_ask.
    :raise InvalidInput: the note is too long, or too many requests today.
    """
    now = now or utcnow()
    require_verified(asker)
    note = clean_text(note, field="note", max_length=NOTE_MAX_LENGTH)
    person = find_person_to_ask(asker, person_id)
    lock_pair(asker.id, person.id)
    if person.id in privacy.blocked_ids(asker):
        return _ask_across_block(asker, person, note=note, now=now)
    if is_connected(asker.id, person.id):
        return CONNECTED
    theirs = _live_request(person.id, asker.id, now=now)
    if theirs is not None:
        _accept(theirs, now=now)
        return CONNECTED
    if _live_request(asker.id, person.id, now=now, as_seen_by_asker=True) is not None:
        return ASKED
    withdrawn = _recently_withdrawn(asker.id, person.id, now=now)
    if withdrawn is not None:
        # Asking again soon after withdrawing reopens the request without a
        # second email: withdrawing is no way to mail someone over and over.
        withdrawn.status = RequestStatus.PENDING
        withdrawn.note = note or withdrawn.note
        db.session.flush()
        return ASKED
    _check_daily_limit(asker, now=now)
    _send_request(asker, person, note=note, event_id=event_id, now=now)
    return ASKED


def _ask_across_block(asker: User, person: User, *, note: str, now: datetime) -> str:
    """`person` blocked `asker` (see can_ask): the request is ignored at once,
    so its asker sees what an ignored one shows (waiting, no second ask, a
    place under the cap taken), and `person` never sees it nor gets mail."""
    if _live_request(asker.id, person.id, now=now, as_seen_by_asker=True) is None:
        _check_daily_limit(asker, now=now)
        actions.record_action(asker, ActionKind.CONNECTION_REQUEST, now=now)
        db.session.add(
            ConnectionRequest(
                requester_id=asker.id, addressee_id=person.id, note=note,
                status=RequestStatus.IGNORED, created_at=now, answered_at=now,
            )
        )  # fmt: skip
        db.session.flush()
    return ASKED


def _check_daily_limit(asker: User, *, now: datetime) -> None:
    """:raise InvalidInput: `asker` sent REQUESTS_PER_DAY requests in the last
    day (sent, whatever became of them since: see services.accounts.actions)."""
    actions.require_under_cap(
        asker, ActionKind.CONNECTION_REQUEST, per_day=REQUESTS_PER_DAY, now=now,
        refusal=f"You asked {REQUESTS_PER_DAY} people today. Ask again tomorrow.",
    )  # fmt: skip


def _send_request(
    asker: User, person: User, *, note: str, event_id: int | None, now: datetime
) -> ConnectionRequest:
    """A new request, remembering where they met (the event the asker came
    from if they both attended it, else the latest they did), and its email.
    The email names that event only where the person may be told the asker
    attended it (attendance.met_at from their side)."""
    met = met_at(asker.id, [person.id], now=now, told=False)[person.id]
    where = next((m for m in met if m.event_id == event_id), met[0] if met else None)
    if where is not None:
        told = {m.event_id for m in met_at(person.id, [asker.id], now=now)[asker.id]}
        said = where if where.event_id in told else None
    else:
        said = None
    request = ConnectionRequest(
        requester_id=asker.id,
        addressee_id=person.id,
        event_id=where.event_id if where else None,
        note=note,
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    actions.record_action(asker, ActionKind.CONNECTION_REQUEST, now=now)
    queue_mail(
        Mail(
            to=person.email,
            user_id=person.id,
            subject=f"{asker.display_name} would like to connect",
            template="connection_request",
            dedupe_key=_dedupe_key("connection-request", request),
            context={
                "name": person.display_name,
                "asker": asker.display_name,
                "note": note,
                "met_at": said.title if said else "",
                "url": external_url("connections.requests"),
            },
        )
    )
    return request


def accept_request(actor: User, request_id: int, *, now: datetime | None = None) -> User:
    """Say yes to a request made to `actor`; the asker is told once.

    :return: the asker. :raise NotFound: no such request waiting for `actor`.
    """
    now = now or utcnow()
    request = db.session.get(ConnectionRequest, request_id)
    if (
        request is not None
        and request.addressee_id == actor.id
        and request.status == RequestStatus.ACCEPTED
    ):
        return request.requester  # a double submit: said yes already
    request = _incoming(actor, request_id, now=now)
    lock_pair(actor.id, request.requester_id)
    db.session.refresh(request)
    if request.status == RequestStatus.PENDING:
        _accept(request, now=now)
    return request.requester


def ignore_request(actor: User, request_id: int, *, now: datetime | None = None) -> None:
    """Say nothing to a request made to `actor`: its asker is never told.

    :raise NotFound: no such request waiting for `actor`.
    """
    now = now or utcnow()
    request = _incoming(actor, request_id, now=now)
    request.status = RequestStatus.IGNORED
    request.answered_at = now
    db.session.flush()


def withdraw_request(actor: User, request_id: int) -> None:
    """Take back a request `actor` made (one ignored in silence too: its
    asker still may not ask again before IGNORED_FOR is over).

    :raise NotFound: no such request of `actor`'s.
    """
    request = db.session.get(ConnectionRequest, request_id)
    if (
        request is None
        or request.requester_id != actor.id
        or request.status not in (RequestStatus.PENDING, RequestStatus.IGNORED)
    ):
        raise NotFound("There is no such request.")
    request.status = RequestStatus.WITHDRAWN
    db.session.flush()


def remove_connection(actor: User, person_id: int) -> None:
    """End a connection, silently, for both.

    :raise NotFound: `actor` is not connected to that person.
    """
    first, second = ordered_pair(actor.id, person_id)
    ended = db.session.execute(
        delete(Connection).where(Connection.first_id == first, Connection.second_id == second)
    )
    if ended.rowcount == 0:
        raise NotFound("You are not connected to this person.")
    # Their ticks of each other would connect them again at the next tick.
    _forget_ticks_between(actor.id, person_id)


def _forget_ticks_between(first_id: int, second_id: int) -> None:
    db.session.execute(
        delete(StayInTouch).where(
            or_(
                and_(StayInTouch.ticker_id == first_id, StayInTouch.ticked_id == second_id),
                and_(StayInTouch.ticker_id == second_id, StayInTouch.ticked_id == first_id),
            )
        )
    )


def connect_pair(
    first_id: int, second_id: int, *, event_id: int | None, now: datetime
) -> Connection | None:
    """Connect two people (the caller locked the pair, see lock_pair) and
    settle the requests between them that still wait: they are answered.

    :return: the new connection, or None if they were connected already.
    """
    first, second = ordered_pair(first_id, second_id)
    connection = None
    if not is_connected(first, second):
        connection = Connection(first_id=first, second_id=second, event_id=event_id, created_at=now)
        db.session.add(connection)
    db.session.execute(
        update(ConnectionRequest)
        .where(
            or_(
                and_(
                    ConnectionRequest.requester_id == first,
                    ConnectionRequest.addressee_id == second,
                ),
                and_(
                    ConnectionRequest.requester_id == second,
                    ConnectionRequest.addressee_id == first,
                ),
            ),
            # An ignored request looks waiting to its asker: settled too.
            ConnectionRequest.status.in_((RequestStatus.PENDING, RequestStatus.IGNORED)),
        )
        .values(status=RequestStatus.ACCEPTED, answered_at=now)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    return connection


def _dedupe_key(kind: str, request: ConnectionRequest) -> str:
    """The outbox key of a request's email: its id alone is not enough, since
    SQLite gives a deleted request's id (a deleted account's go) to the next."""
    return (
        f"{kind}:{request.id}:{request.requester_id}:{request.addressee_id}"
        f":{request.created_at.isoformat()}"
    )


def _accept(request: ConnectionRequest, *, now: datetime) -> None:
    request.status = RequestStatus.ACCEPTED
    request.answered_at = now
    db.session.flush()
    connect_pair(request.requester_id, request.addressee_id, event_id=request.event_id, now=now)
    asker, answerer = request.requester, request.addressee
    queue_mail(
        Mail(
            to=asker.email,
            user_id=asker.id,
            subject=f"{answerer.display_name} accepted your request to connect",
            template="connection_accepted",
            dedupe_key=_dedupe_key("connection-accepted", request),
            context={
                "name": asker.display_name,
                "other": answerer.display_name,
                "email": (
                    answerer.email if privacy.can_see_email(asker, answerer, connected=True) else ""
                ),
                "url": external_url("connections.network"),
            },
        )
    )


def _incoming(actor: User, request_id: int, *, now: datetime) -> ConnectionRequest:
    request = db.session.get(ConnectionRequest, request_id)
    if (
        request is None
        or request.addressee_id != actor.id
        or request.status != RequestStatus.PENDING
        or request.created_at <= now - REQUEST_LIFETIME
        or request.requester.deleted_at is not None
    ):
        raise NotFound("This request is no longer waiting.")
    return request


def waiting_condition(*, now: datetime) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: still waiting for an answer."""
    return and_(
        ConnectionRequest.status == RequestStatus.PENDING,
        ConnectionRequest.created_at > now - REQUEST_LIFETIME,
    )


def recently_ignored_condition(*, now: datetime) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: ignored (even if withdrawn since) less
    than IGNORED_FOR ago: its asker may not ask again yet."""
    return and_(
        ConnectionRequest.status.in_((RequestStatus.IGNORED, RequestStatus.WITHDRAWN)),
        ConnectionRequest.answered_at > now - IGNORED_FOR,
    )


def standing_request_condition(*, now: datetime) -> ColumnElement[bool]:
    """SQL over ConnectionRequest: a request that still stands between its
    two people, either way: waiting, accepted, or ignored within IGNORED_FOR.
    Suggesting either to the other would only repeat it."""
    return or_(
        waiting_condition(now=now),
        recently_ignored_condition(now=now),
        ConnectionRequest.status == RequestStatus.ACCEPTED,
    )


def _live_request(
    asker_id: int, person_id: int, *, now: datetime, as_seen_by_asker: bool = False
) -> ConnectionRequest | None:
    """The request from `asker_id` to `person_id` still waiting. To its asker,
    an ignored request looks waiting; and for IGNORED_FOR after it was
    ignored (even if withdrawn since), they may not ask again."""
    waiting = waiting_condition(now=now)
    if as_seen_by_asker:
        waiting = or_(waiting, recently_ignored_condition(now=now))
    return db.session.scalar(
        select(ConnectionRequest)
        .where(
            ConnectionRequest.requester_id == asker_id,
            ConnectionRequest.addressee_id == person_id,
            waiting,
        )
        .order_by(ConnectionRequest.id.desc())
        .limit(1)
    )


def _recently_withdrawn(
    asker_id: int, person_id: int, *, now: datetime
) -> ConnectionRequest | None:
    """A request `asker_id` made and withdrew while it still waited for an answer."""
    return db.session.scalar(
        select(ConnectionRequest)
        .where(
            ConnectionRequest.requester_id == asker_id,
            ConnectionRequest.addressee_id == person_id,
            ConnectionRequest.status == RequestStatus.WITHDRAWN,
            ConnectionRequest.answered_at.is_(None),
            ConnectionRequest.created_at > now - REQUEST_LIFETIME,
        )
        .order_by(ConnectionRequest.id.desc())
        .limit(1)
    )


def lock_pair(first_id: int, second_id: int) -> None:
    """Serialise what two people do to each other: both rows locked, lower id
    first (PostgreSQL; on SQLite the write transaction is already exclusive)."""
    db.session.execute(
        select(User.id)
        .where(User.id.in_(ordered_pair(first_id, second_id)))
        .order_by(User.id)
        .with_for_update()
    )


# Reading
