"""The emails connections send, built in one place: a request, a request
accepted, and a mutual tick. Each says the recipient's name and one link;
the two about a new connection name the other person and carry their address
only where privacy.email_seen_by_connection allows. Their outbox keys say
which people they name (services.accounts.mentions reads them)."""

from __future__ import annotations

from typing import Any

from meetup.lib.urls import external_url
from meetup.models import Connection, ConnectionRequest, Event, User
from meetup.outbox import Mail, queue_mail
from meetup.services import privacy


def queue_request_mail(request: ConnectionRequest, *, met_at: str) -> None:
    """Tell the addressee of `request` that its asker would like to connect
    (`met_at`: the event to name, "" for none)."""
    asker, person = request.requester, request.addressee
    _queue(
        person,
        subject=f"{asker.display_name} would like to connect",
        template="connection_request",
        dedupe_key=_request_key("connection-request", request),
        page="connections.requests",
        asker=asker.display_name,
        note=request.note,
        met_at=met_at,
    )


def queue_accepted_mail(request: ConnectionRequest) -> None:
    """Tell the asker of `request` that it was accepted."""
    asker, answerer = request.requester, request.addressee
    _queue_connected(
        asker,
        answerer,
        subject=f"{answerer.display_name} accepted your request to connect",
        template="connection_accepted",
        dedupe_key=_request_key("connection-accepted", request),
    )


def queue_mutual_mails(connection: Connection, first: User, second: User, event: Event) -> None:
    """Tell both that their ticks at `event` connected them: once per event
    and pair, so a connection their ticks make again (after a removal or a
    block) is not told twice, or ticking, blocking and unblocking would mail
    the other at will."""
    for person, other in ((first, second), (second, first)):
        _queue_connected(
            person,
            other,
            subject=f"You and {other.display_name} both wanted to stay in touch",
            template="stay_in_touch_mutual",
            dedupe_key=(
                f"stay-in-touch:{event.id}:{connection.first_id}:{connection.second_id}:{person.id}"
            ),
            event_title=event.title,
        )


def _queue_connected(
    person: User, other: User, *, subject: str, template: str, dedupe_key: str, **context: Any
) -> None:
    """A mail to `person` about their new connection to `other`."""
    _queue(
        person,
        subject=subject,
        template=template,
        dedupe_key=dedupe_key,
        page="connections.network",
        other=other.display_name,
        **context,
        email=privacy.email_seen_by_connection(person, other),
    )


def _queue(
    person: User, *, subject: str, template: str, dedupe_key: str, page: str, **context: Any
) -> None:
    """The one builder: a mail to `person`, with their name, `context` and a
    link to `page` (an endpoint)."""
    queue_mail(
        Mail(
            to=person.email,
            user_id=person.id,
            subject=subject,
            template=template,
            dedupe_key=dedupe_key,
            context={"name": person.display_name, **context, "url": external_url(page)},
        )
    )


def _request_key(kind: str, request: ConnectionRequest) -> str:
    """The outbox key of a request's email: its id alone is not enough, since
    SQLite gives a deleted request's id (a deleted account's go) to the next."""
    return (
        f"{kind}:{request.id}:{request.requester_id}:{request.addressee_id}"
        f":{request.created_at.isoformat()}"
    )
