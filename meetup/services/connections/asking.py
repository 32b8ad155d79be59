"""Asking to connect, and answering: requests from asking to a connection.

Who may ask whom is services.privacy's (can_ask). Ignoring is silent: to
its asker an ignored request is one not answered yet, in every state they
can reach (asking again, withdrawing, a block, the other's own request,
ticks, suggestions): their side reads only
`request_states.seen_waiting_condition`, never whether or when the other
ignored. For IGNORED_FOR after an ignore, what its asker asks again is
recorded and shown to them as usual but ignored at once: the other gets no
email and sees no request. Two people asking each other end with one
connection, whatever the timing: the pair is locked first (pairs).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from meetup.extensions import db
from meetup.lib.errors import NotFound
from meetup.lib.text import clean_text
from meetup.models import ActionKind, Connection, ConnectionRequest, RequestStatus, User
from meetup.models.connection import NOTE_MAX_LENGTH
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.accounts import actions
from meetup.services.accounts.credentials import require_verified
from meetup.services.connections.mails import queue_accepted_mail, queue_request_mail
from meetup.services.connections.pairs import (
    connect_pair,
    forget_ticks_between,
    is_connected,
    lock_pair,
    ordered_pair,
)
from meetup.services.connections.request_states import (
    REQUEST_LIFETIME,
    ignored_at,
    live_request,
    recently_withdrawn,
)
from meetup.services.rsvps.attendance import met_at

REQUESTS_PER_DAY = 30


# The relation between a viewer and a person, for the Connect button.
SELF, CONNECTED, ASKED, ASKED_YOU, CAN_ASK, CANNOT_ASK = (
    "self", "connected", "asked", "asked_you", "can_ask", "cannot_ask",
)  # fmt: skip


def relation(viewer: User | None, person: User, *, now: datetime | None = None) -> str:
    """What the Connect button says of `person` to `viewer` (see the names above)."""
    now = now or utcnow()
    if viewer is None:
        return CANNOT_ASK
    if viewer.id == person.id:
        return SELF
    if person.id in privacy.blocked_ids(viewer) and not privacy.is_blocked_only_by(viewer, person):
        return CANNOT_ASK  # the blocker's side: they know
    if is_connected(viewer.id, person.id):
        return CONNECTED
    if live_request(viewer.id, person.id, now=now, as_seen_by_asker=True) is not None:
        return ASKED
    if live_request(person.id, viewer.id, now=now) is not None:
        return ASKED_YOU
    return CAN_ASK if privacy.can_ask(viewer, person) else CANNOT_ASK


def find_person_to_ask(asker: User, person_id: int) -> User:
    """The person `asker` may ask to connect.

    :raise NotFound: no such person, or not visible to `asker` (the same
        answer either way: asking reveals nothing).
    """
    person = db.session.get(User, person_id)
    if person is None or not privacy.can_ask(asker, person):
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
    # `person` blocked `asker` (privacy.can_ask refuses the other way): what `asker`
    # asks is ignored at once, so they see what an ignored request shows
    # (waiting, no second ask, a place under the cap taken), and `person`
    # never sees it nor gets mail. The block ended their connection and
    # withdrew `person`'s requests (blocks._end_between).
    blocked_by_person = person.id in privacy.blocked_ids(asker)
    if not blocked_by_person:
        if is_connected(asker.id, person.id):
            return CONNECTED
        # Their request as they see it: one `asker` ignored is a yes too.
        theirs = live_request(person.id, asker.id, now=now, as_seen_by_asker=True)
        if theirs is not None:
            _accept(theirs, now=now)
            return CONNECTED
    if live_request(asker.id, person.id, now=now, as_seen_by_asker=True) is not None:
        return ASKED
    ignored_since = ignored_at(asker.id, person.id, now=now)
    if blocked_by_person and ignored_since is None:
        ignored_since = now
    withdrawn = recently_withdrawn(asker.id, person.id, now=now)
    if withdrawn is not None:
        # Asking again soon after withdrawing reopens the request without a
        # second email: withdrawing is no way to mail someone over and over.
        _make_waiting(withdrawn, ignored_since)
        withdrawn.note = note or withdrawn.note
        db.session.flush()
        return ASKED
    _check_daily_limit(asker, now=now)
    _send_request(asker, person, note=note, event_id=event_id, now=now, ignored_since=ignored_since)
    return ASKED


def _make_waiting(request: ConnectionRequest, ignored_since: datetime | None) -> None:
    """Make `request` wait: for its addressee too, or, while their ignore of
    its asker holds (`ignored_since`), for its asker alone."""
    request.status = RequestStatus.PENDING if ignored_since is None else RequestStatus.IGNORED
    request.answered_at = ignored_since


def _check_daily_limit(asker: User, *, now: datetime) -> None:
    """:raise InvalidInput: `asker` sent REQUESTS_PER_DAY requests in the last
    day (sent, whatever became of them since: see services.accounts.actions)."""
    actions.require_under_cap(
        asker, ActionKind.CONNECTION_REQUEST, per_day=REQUESTS_PER_DAY, now=now,
        refusal=f"You asked {REQUESTS_PER_DAY} people today. Ask again tomorrow.",
    )  # fmt: skip


def _send_request(
    asker: User, person: User, *, note: str, event_id: int | None, now: datetime,
    ignored_since: datetime | None,
) -> ConnectionRequest:  # fmt: skip
    """A new request, remembering where they met (the event the asker came
    from if they both attended it, else the latest they did), and its email;
    none while `person`'s ignore of `asker` holds (`ignored_since`). The
    email names that event only where the person may be told the asker
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
    _make_waiting(request, ignored_since)
    db.session.add(request)
    db.session.flush()
    # Counted whether or not it reaches them: the cap must not tell an ignore.
    actions.record_action(asker, ActionKind.CONNECTION_REQUEST, now=now)
    if ignored_since is not None:
        return request
    queue_request_mail(request, met_at=said.title if said else "")
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
    forget_ticks_between(actor.id, person_id)


def _accept(request: ConnectionRequest, *, now: datetime) -> None:
    request.status = RequestStatus.ACCEPTED
    request.answered_at = now
    db.session.flush()
    connect_pair(request.requester_id, request.addressee_id, event_id=request.event_id, now=now)
    queue_accepted_mail(request)


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
