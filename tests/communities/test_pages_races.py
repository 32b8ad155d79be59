"""Two admins at once, on a SQLite file (BEGIN IMMEDIATE serialises the
requests) and on PostgreSQL (the community's row is locked first): saving
the settings ends with one of the two, never a mix; removing each other
leaves one admin, never none."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Community, CommunityAdmin, User
from meetup.services.communities.lifecycle import CommunityDetails, create_community
from meetup.services.communities.lookup import find_community
from tests.followups.helpers import make_person
from tests.plugins.app import sign_in


def _community_of_two(app: Flask) -> tuple[str, User, User]:
    first, second = make_person(app, 1), make_person(app, 2)
    with app.app_context():
        community = create_community(
            db.session.get(User, first.id),
            CommunityDetails(name="Race club", description="Fast.", topics=["start"],
                             questions=["Old question?"]),
        )  # fmt: skip
        db.session.add(CommunityAdmin(community_id=community.id, user_id=second.id))
        db.session.commit()
        slug = community.slug
    return slug, first, second


def _clients(app: Flask, *people: User) -> list:
    clients = []
    for person in people:
        client = app.test_client()
        sign_in(client, person)
        client.csrf_token()  # the session's token, before the race
        clients.append(client)
    return clients


def _at_once(clients: list, requests: list[tuple[str, dict]]) -> list[int]:
    barrier = threading.Barrier(len(clients))

    def act(index: int) -> int:
        url, data = requests[index]
        barrier.wait(timeout=30)
        return clients[index].submit(url, data).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(act, range(len(clients))))


def _settings(letter: str) -> dict[str, str]:
    return {
        "name": f"Club {letter}",
        "description": f"Description {letter}.",
        "topics": f"topic {letter}, shared, other {letter}",
        "city": f"City {letter}",
        "question_1": f"Question {letter}?",
        "question_2": "Shared question?",
        "question_3": f"Last {letter}?",
    }


def test_two_admins_saving_the_settings_end_with_one_of_the_two(racing_app: Flask) -> None:
    slug, first, second = _community_of_two(racing_app)
    clients = _clients(racing_app, first, second)
    url = f"/communities/{slug}/settings"
    for _ in range(4):
        codes = _at_once(clients, [(url, _settings("A")), (url, _settings("B"))])
        assert codes == [303, 303]
        with racing_app.app_context():
            community = find_community(None, slug)
            letter = community.name[-1]
            assert community.description == f"Description {letter}."
            assert community.city == f"City {letter}"
            assert sorted(topic.name for topic in community.topics) == sorted(
                [f"topic {letter.lower()}", "shared", f"other {letter.lower()}"]
            )
            assert [question.text for question in community.questions] == [
                f"Question {letter}?", "Shared question?", f"Last {letter}?",
            ]  # fmt: skip
            db.session.remove()


def test_two_admins_removing_each_other_leave_one(racing_app: Flask) -> None:
    slug, first, second = _community_of_two(racing_app)
    clients = _clients(racing_app, first, second)
    codes = _at_once(
        clients,
        [
            (f"/communities/{slug}/admins/{second.id}/remove", {}),
            (f"/communities/{slug}/admins/{first.id}/remove", {}),
        ],
    )
    # One removes the other, who is then no admin any more (403), or, on
    # PostgreSQL if both passed the first check, is told why not (303).
    assert 303 in codes and set(codes) <= {303, 403}
    with racing_app.app_context():
        community_id = db.session.scalar(select(Community.id).where(Community.slug == slug))
        admins = db.session.scalars(
            select(CommunityAdmin.user_id).where(CommunityAdmin.community_id == community_id)
        ).all()
        assert len(admins) == 1
        db.session.remove()
