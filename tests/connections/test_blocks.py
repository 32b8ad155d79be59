"""Blocks from outside (issue 34): whom one may block, what the blocked list
shows, and that the blocked person cannot tell a block from an ignored
request or an unlisted person."""

from __future__ import annotations

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import ConnectionRequest, ProfileVisibility, User
from tests.connections.test_connections import _attend_past_event, _set
from tests.connections.test_stay_in_touch import _client, _normalised


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
