"""Blocks from outside (issue 34): whom one may block, what the blocked list
shows, and that the blocked person cannot tell a block from an ignored
request or an unlisted person."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import ConnectionRequest, Event, ProfileVisibility, User
from meetup.services.rsvps import replying
from tests.connections.test_connections import _attend_past_event, _set
from tests.connections.test_stay_in_touch import _client, _event, _normalised, _tick


def _block(client, person_id: int):
    return client.submit(f"/people/{person_id}/block", {}, page=f"/people/{person_id}")


def _page(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, _normalised(response.get_data(as_text=True))


def test_only_people_one_could_see_met_or_heard_from_can_be_blocked(
    app, make_user, make_event
) -> None:
    actor = make_user(display_name="Vera Viewer")
    hidden = make_user(display_name="Hidden Stranger")
    _set(app, hidden, profile_visibility=ProfileVisibility.PRIVATE, is_listed_in_directories=False)
    met = make_user(display_name="Met Once")
    asker = make_user(display_name="Asked Me")
    visible = make_user(display_name="Seen Member")
    client = _client(app, actor)
    # Met: both went to a past event; then the profile went "only me".
    _attend_past_event(app, make_event, actor, met)
    _set(app, met, profile_visibility=ProfileVisibility.PRIVATE)
    # Asked: the asker saw Vera's profile and asked, then went "only me".
    assert _client(app, asker).submit(f"/people/{actor.id}/connect", {}).status_code == 303
    _set(app, asker, profile_visibility=ProfileVisibility.PRIVATE)

    with app.app_context():
        unknown = db.session.scalar(select(db.func.max(User.id))) + 1000
    answers = {person_id: _block(client, person_id) for person_id in (unknown, hidden.id)}
    # An invisible person and no person at all: the same answer, word for word.
    assert {response.status_code for response in answers.values()} == {404}
    assert len({_normalised(r.get_data(as_text=True)) for r in answers.values()}) == 1
    for person in (met, asker, visible):
        assert _block(client, person.id).status_code == 303
    page = client.get("/connections/blocked").get_data(as_text=True)
    assert "Hidden Stranger" not in page
    assert all(name in page for name in ("Met Once", "Asked Me", "Seen Member"))
    # Blocking again, once out of sight, changes nothing and reveals nothing.
    assert _block(client, met.id).status_code == 303


def test_the_blocked_list_names_nobody_deleted(app, make_user) -> None:
    actor, person = make_user(), make_user(display_name="Soon Gone")
    client = _client(app, actor)
    assert _block(client, person.id).status_code == 303
    gone = _client(app, person)
    assert gone.submit("/account/delete", {"password": "correct horse battery"}).status_code == 303
    assert "Soon Gone" not in client.get("/connections/blocked").get_data(as_text=True)


def _request_ids(app, asker: User, person: User) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ConnectionRequest.id).where(
                    ConnectionRequest.requester_id == asker.id,
                    ConnectionRequest.addressee_id == person.id,
                )
            )
        )


# Item 7: the blocked person cannot tell a block from what else could have
# happened: the blocker ignoring their request, withdrawing or removing, or
# choosing not to be listed.

BLOCKER, BLOCKED = "Ada Lovelace", "Grace Hopper"


def _pair(app, make_user, world: str) -> tuple[User, User]:
    """Ada (public profile, no events) and Grace, named alike in every world
    (their addresses and ids are normalised away)."""
    ada = make_user(email=f"ada-{world}@example.org", display_name=BLOCKER)
    grace = make_user(email=f"grace-{world}@example.org", display_name=BLOCKED)
    _set(app, ada, profile_visibility=ProfileVisibility.PUBLIC)
    return ada, grace


def _seen_by(app, client, person: User, other: User, outbox) -> dict[str, object]:
    """Everything `person` can see that could mention `other`: their pages,
    their My data and their mail, with ids, addresses, tokens and times
    normalised."""
    pages = ["/", "/connections", "/connections/requests", "/connections/blocked",
             f"/people/{other.id}", f"/people/{other.id}/connect"]  # fmt: skip
    seen: dict[str, object] = {}
    for url in pages:
        status, html = _page(client, url)
        seen[url.replace(str(other.id), "OTHER")] = (status, _anonymised(html, person, other))
    data = client.get("/account/data.json").get_data(as_text=True)
    seen["my data"] = _anonymised(data, person, other)
    seen["mail"] = [(m.template, m.subject) for m in outbox.messages(person.email)]
    return seen


def _anonymised(text: str, person: User, other: User) -> str:
    for user, name in ((person, "ME"), (other, "OTHER")):
        text = text.replace(user.email, f"{name}@").replace(f"/people/{user.id}", f"/people/{name}")
        text = re.sub(rf'"id": {user.id}\b', f'"id": "{name}"', text)
    text = re.sub(r"/connections/requests/\d+/", "/connections/requests/N/", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", "TIME", text)
    return re.sub(r"\d{1,2}:\d\d( [AP]M)?", "HH:MM", text)


def test_a_blocked_asker_sees_what_an_ignored_one_sees(app, make_user, outbox) -> None:
    views = {}
    for world in ("ignored", "blocked"):
        ada, grace = _pair(app, make_user, world)
        ada_client, grace_client = _client(app, ada), _client(app, grace)
        assert grace_client.submit(f"/people/{ada.id}/connect", {"note": "Hi"}).status_code == 303
        (request_id,) = _request_ids(app, grace, ada)
        if world == "ignored":
            answer = ada_client.submit(f"/connections/requests/{request_id}/ignore", {})
        else:
            answer = _block(ada_client, grace.id)
        assert answer.status_code == 303
        views[world] = _seen_by(app, grace_client, grace, ada, outbox)
        # Inert for the blocker: nothing waits for Ada's answer.
        assert BLOCKED not in ada_client.get("/connections/requests").get_data(as_text=True)
    assert views["blocked"] == views["ignored"]


@pytest.mark.parametrize("undone", ["withdrawn", "removed"])
def test_a_blocked_person_sees_what_a_withdrawal_or_a_removal_shows(
    app, make_user, outbox, undone
) -> None:
    """Ada's waiting request to Grace, or their connection: a block ends it
    as Ada withdrawing the request, or removing the connection, would."""
    views = {}
    for world in (undone, "blocked"):
        ada, grace = _pair(app, make_user, world)
        ada_client, grace_client = _client(app, ada), _client(app, grace)
        assert ada_client.submit(f"/people/{grace.id}/connect", {}).status_code == 303
        if undone == "removed":
            assert grace_client.submit(f"/people/{ada.id}/connect", {}).status_code == 303
        if world == "withdrawn":
            (request_id,) = _request_ids(app, ada, grace)
            answer = ada_client.submit(f"/connections/requests/{request_id}/withdraw", {})
        elif world == "removed":
            answer = ada_client.submit(f"/connections/{grace.id}/remove", {})
        else:
            answer = _block(ada_client, grace.id)
        assert answer.status_code == 303
        views[world] = _seen_by(app, grace_client, grace, ada, outbox)
    assert views["blocked"] == views[undone]


def _counts_line(html: str) -> str:
    match = re.search(r'<p class="lead">([^<]*going[^<]*)</p>', html)
    assert match, "no counts on the page"
    return match.group(1)


def test_an_event_list_shows_a_block_as_the_blocker_not_listed(app, make_user, make_event):
    """Issue 34, item 7: the list said "3 people listed" above two cards to
    the person blocked. Their page must read as if the blocker had chosen
    not to be listed, byte for byte, and count what a visitor counts."""
    ada, grace, hal = (make_user(display_name=name) for name in (BLOCKER, BLOCKED, "Hal Abelson"))
    event = _event(app, make_event, ada, grace, hal, hidden=(ada,))
    grace_client, visitor = _client(app, grace), app.test_client()
    url = f"/events/{event.slug}/people"
    unlisted = _page(grace_client, url)
    visitor_unlisted = _counts_line(visitor.get(url).get_data(as_text=True))
    ada_client = _client(app, ada)
    with app.app_context():
        replying.set_directory_choice(
            db.session.get(User, ada.id), db.session.get(Event, event.id), "shown"
        )
        db.session.commit()
    assert BLOCKER in visitor.get(url).get_data(as_text=True)
    assert _block(ada_client, grace.id).status_code == 303
    assert _page(grace_client, url) == unlisted
    assert _counts_line(visitor.get(url).get_data(as_text=True)) == visitor_unlisted


def test_a_blocked_person_counts_what_a_visitor_counts(app, make_user, make_event) -> None:
    ada, grace, hal = (make_user(display_name=name) for name in (BLOCKER, BLOCKED, "Hal Abelson"))
    event = _event(app, make_event, ada, grace, hal)
    grace_client, visitor = _client(app, grace), app.test_client()
    url = f"/events/{event.slug}/people"
    before = _counts_line(grace_client.get(url).get_data(as_text=True))
    assert _block(_client(app, ada), grace.id).status_code == 303
    page = grace_client.get(url).get_data(as_text=True)
    assert BLOCKER not in page
    assert _counts_line(page) == before == _counts_line(visitor.get(url).get_data(as_text=True))


def test_a_blocked_person_sees_a_public_profile_and_asks_in_vain(app, make_user, outbox) -> None:
    ada, grace = _pair(app, make_user, "profile")
    _set(app, ada, headline="Countess of Lovelace")
    ada_client, grace_client = _client(app, ada), _client(app, grace)
    assert _block(ada_client, grace.id).status_code == 303
    for client in (grace_client, app.test_client()):
        response = client.get(f"/people/{ada.id}")
        assert response.status_code == 200
        assert "Countess of Lovelace" in response.get_data(as_text=True)
    # The Connect button stays, and asking looks as it would: the request is
    # ignored at once, and Ada neither sees it nor gets mail.
    profile = grace_client.get(f"/people/{ada.id}").get_data(as_text=True)
    assert f'href="/people/{ada.id}/connect"' in profile
    assert grace_client.submit(f"/people/{ada.id}/connect", {}).status_code == 303
    assert BLOCKER in grace_client.get("/connections/requests").get_data(as_text=True)
    assert BLOCKED not in ada_client.get("/connections/requests").get_data(as_text=True)
    assert outbox.messages(ada.email) == []
    # The blocker, who knows, is offered nothing.
    assert f"/people/{grace.id}/connect" not in ada_client.get(f"/people/{grace.id}").get_data(
        as_text=True
    )
    # A members-only profile opens to her as to any member (a 404 beside a
    # visitor's log-in page and every other member's 200 would tell), and
    # an "only me" one to nobody.
    _set(app, ada, profile_visibility=ProfileVisibility.MEMBERS)
    other_member = _client(app, make_user())
    assert grace_client.get(f"/people/{ada.id}").status_code == 200
    assert other_member.get(f"/people/{ada.id}").status_code == 200
    assert app.test_client().get(f"/people/{ada.id}").status_code == 302
    _set(app, ada, profile_visibility=ProfileVisibility.PRIVATE)
    for client in (grace_client, other_member, app.test_client()):
        assert client.get(f"/people/{ada.id}").status_code == 404


def test_a_block_keeps_the_blocked_persons_own_ticks_in_their_data(
    app, make_user, make_event
) -> None:
    ada, grace = make_user(display_name=BLOCKER), make_user(display_name=BLOCKED)
    event = _event(app, make_event, ada, grace)
    grace_client = _client(app, grace)
    assert _tick(grace_client, event, ada).status_code == 303
    before = json.loads(grace_client.get("/account/data.json").get_data(as_text=True))
    assert _block(_client(app, ada), grace.id).status_code == 303
    after = json.loads(grace_client.get("/account/data.json").get_data(as_text=True))
    assert after["stay_in_touch"] == before["stay_in_touch"] != []
