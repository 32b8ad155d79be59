"""Membership under concurrency, with committed data every thread sees (a
SQLite file, where BEGIN IMMEDIATE serialises writers, and PostgreSQL, where
the rows are locked): two admins deciding on one request at once end with
one decision and at most one welcome; a person's joins sent at once make one
row."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityMember,
    MembershipState,
    OutboxMessage,
    User,
)
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from tests.plugins.app import sign_in


def _setup(app: Flask, *, approval: bool) -> tuple[str, list[User]]:
    """A community with two admins, and three other people."""
    with app.app_context():
        people = []
        for number in range(5):
            person = credentials.register_user(
                email=f"racer{number}@example.org", display_name=f"Racer {number}",
                password="correct horse battery",
            )  # fmt: skip
            person.email_verified_at = utcnow()
            people.append(person)
        community = Community(slug="racing-club", name="Racing club", is_approval_required=approval)
        db.session.add(community)
        db.session.flush()
        for admin in people[:2]:
            db.session.add(CommunityAdmin(community_id=community.id, user_id=admin.id))
            db.session.add(
                CommunityMember(
                    community_id=community.id, user_id=admin.id, state=MembershipState.MEMBER,
                    requested_at=utcnow(), joined_at=utcnow(),
                )
            )  # fmt: skip
        for person in people[2:]:
            db.session.add(
                CommunityMember(
                    community_id=community.id, user_id=person.id,
                    state=MembershipState.PENDING, requested_at=utcnow(),
                )
            )  # fmt: skip
        db.session.commit()
        for person in people:
            db.session.refresh(person)
        db.session.expunge_all()
    return "racing-club", people


def _at_once(app: Flask, moves: list[tuple[User, str]]) -> list[int]:
    entries = []
    for person, url in moves:
        client = app.test_client()
        sign_in(client, person)
        entries.append((client, client.csrf_token(), url))
    barrier = threading.Barrier(len(entries))

    def post(entry: tuple) -> int:
        client, token, url = entry
        barrier.wait(timeout=30)
        return client.post(url, data={"csrf_token": token}).status_code

    with ThreadPoolExecutor(max_workers=len(entries)) as pool:
        return list(pool.map(post, entries))


def test_two_admins_approving_and_declining_at_once(racing_app: Flask) -> None:
    slug, people = _setup(racing_app, approval=True)
    first, second = people[:2]
    base = f"/communities/{slug}/manage/members"
    moves = []
    for person in people[2:]:
        moves += [(first, f"{base}/{person.id}/approve"), (second, f"{base}/{person.id}/approve")]
    statuses = _at_once(racing_app, moves)
    assert statuses == [303] * len(moves)
    with racing_app.app_context():
        states = db.session.scalars(
            select(CommunityMember.state).where(CommunityMember.user_id.in_(
                [person.id for person in people[2:]]
            ))
        ).all()  # fmt: skip
        assert states == [MembershipState.MEMBER] * 3
        welcomes = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.template == "membership_welcome")
        )
        assert welcomes == 3


def test_one_person_joining_twice_at_once_makes_one_member(racing_app: Flask) -> None:
    slug, people = _setup(racing_app, approval=False)
    joiner = people[2]
    with racing_app.app_context():
        db.session.execute(
            CommunityMember.__table__.delete().where(CommunityMember.user_id == joiner.id)
        )
        db.session.commit()
    statuses = _at_once(racing_app, [(joiner, f"/communities/{slug}/join")] * 3)
    assert statuses == [303] * 3
    with racing_app.app_context():
        rows = db.session.scalars(
            select(CommunityMember).where(CommunityMember.user_id == joiner.id)
        ).all()
        assert [row.state for row in rows] == [MembershipState.MEMBER]
