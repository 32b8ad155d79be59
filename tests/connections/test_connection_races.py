"""Asking at the same moment: two people asking each other end with exactly
one connection (one request, accepted; none left waiting between them), and
a double submit of the same ask makes one request and sends one email.

Each submission is its own client, session and thread, all released at once
by a barrier. Both real backends, with committed data the threads can see: a
SQLite file (BEGIN IMMEDIATE serialises writers) and PostgreSQL (the pair's
rows are locked). The PostgreSQL run skips only where it is not configured
(CI sets it, and fails on skips).
"""

from __future__ import annotations

import re
import threading

import pytest
from flask import Flask
from sqlalchemy import and_, func, or_, select

from meetup.extensions import db
from meetup.models import Connection, ConnectionRequest, OutboxMessage, RequestStatus, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from tests.plugins.app import DEFAULT_PASSWORD, Client, sign_in

PAIRS = 5


def _pairs(app: Flask) -> list[tuple[User, User]]:
    """PAIRS pairs of verified members, each able to see the other's profile."""
    with app.app_context():
        people = []
        for number in range(2 * PAIRS):
            person = credentials.register_user(
                email=f"asker{number}@example.org", display_name=f"Asker {number}",
                password=DEFAULT_PASSWORD,
            )  # fmt: skip
            person.email_verified_at = utcnow()
            people.append(person)
        db.session.commit()
        for person in people:
            db.session.refresh(person)
        db.session.expunge_all()
    return list(zip(people[::2], people[1::2], strict=True))


def _ready(app: Flask, asker: User, person: User) -> tuple[Client, str, str]:
    """A signed-in client of `asker`'s, the ask's URL and a CSRF token."""
    client = app.test_client()
    sign_in(client, asker)
    url = f"/people/{person.id}/connect"
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return client, url, token


def _all_at_once(submissions: list[tuple[Client, str, str]]) -> list[int]:
    """Every submission in its own thread, released together; their statuses."""
    barrier = threading.Barrier(len(submissions))
    statuses: list[int | BaseException] = [0] * len(submissions)

    def submit(index: int) -> None:
        client, url, token = submissions[index]
        try:
            barrier.wait(timeout=30)
            statuses[index] = client.post(url, data={"csrf_token": token}).status_code
        except BaseException as error:  # reported below, not lost in the thread
            statuses[index] = error

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(submissions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submission never finished"
    return statuses  # type: ignore[return-value]


def _between(app: Flask, first: User, second: User) -> tuple[int, list[RequestStatus], list]:
    """(connections, request statuses, emails (template, recipient)) of a pair."""
    with app.app_context():
        low, high = sorted((first.id, second.id))
        connections = db.session.scalar(
            select(func.count())
            .select_from(Connection)
            .where(Connection.first_id == low, Connection.second_id == high)
        )
        statuses = list(
            db.session.scalars(
                select(ConnectionRequest.status).where(
                    or_(
                        and_(ConnectionRequest.requester_id == first.id,
                             ConnectionRequest.addressee_id == second.id),
                        and_(ConnectionRequest.requester_id == second.id,
                             ConnectionRequest.addressee_id == first.id),
                    )
                )
            )
        )  # fmt: skip
        mails = sorted(
            db.session.execute(
                select(OutboxMessage.template, OutboxMessage.recipient).where(
                    OutboxMessage.template.like("connection_%"),
                    OutboxMessage.recipient.in_((first.email, second.email)),
                )
            ).all()
        )
    return connections, statuses, [tuple(mail) for mail in mails]


@pytest.mark.parametrize("clicks", [1, 2], ids=["once each", "twice each"])
def test_two_people_asking_each_other_at_once_end_with_one_connection(racing_app, clicks):
    pairs = _pairs(racing_app)
    submissions = [
        _ready(racing_app, asker, person)
        for first, second in pairs
        for asker, person in ((first, second), (second, first))
        for _ in range(clicks)
    ]
    assert _all_at_once(submissions) == [303] * len(submissions)
    for first, second in pairs:
        connections, statuses, mails = _between(racing_app, first, second)
        assert connections == 1
        # Whoever came second accepted the first one's request: one request,
        # accepted, and nothing left waiting between them.
        assert statuses == [RequestStatus.ACCEPTED]
        # One asked (the other got the request email), one was told of the yes.
        assert sorted(template for template, _ in mails) == [
            "connection_accepted", "connection_request",
        ]  # fmt: skip
        assert {recipient for _, recipient in mails} == {first.email, second.email}


def test_a_double_submit_of_the_same_ask_is_idempotent(racing_app):
    pairs = _pairs(racing_app)
    submissions = [_ready(racing_app, asker, person) for asker, person in pairs for _ in (1, 2)]
    assert _all_at_once(submissions) == [303] * len(submissions)
    for asker, person in pairs:
        connections, statuses, mails = _between(racing_app, asker, person)
        assert connections == 0
        assert statuses == [RequestStatus.PENDING]
        assert mails == [("connection_request", person.email)]
