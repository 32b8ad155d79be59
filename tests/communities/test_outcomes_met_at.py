"""Met at a community: two members met there when they both attended one of
its events. The suggestions on a community event's "Who's coming" say the
latest earlier event of the community both attended (where the viewer may
be told of it), in one query for the whole list; and a person may ask to
connect with someone they met at any of the community's events, blocks
still winning."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from meetup.extensions import db
from meetup.lib.errors import NotFound
from meetup.models import (
    ConnectionRequest,
    DirectoryChoice,
    Event,
    ProfileVisibility,
    Rsvp,
    User,
)
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.connections import asking, blocks
from meetup.services.suggestions import lists
from tests.plugins.app import sign_in
from tests.suggestions.test_suggestions import build, set_privacy, set_profile

TITLE = "People you should meet"


def _hide(app, person, event) -> None:
    with app.app_context():
        db.session.execute(
            update(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
            .values(directory_choice=DirectoryChoice.HIDDEN)
        )  # fmt: skip
        db.session.commit()


@pytest.fixture
def room(app, make_user, make_community, make_member, make_event, past_event,
         put_in_community, reply):  # fmt: skip
    """Ada going to April's breakfast of a community, with people she met at
    its earlier editions, and people who all share her interests."""
    admin = make_user(display_name="Admin")
    community = make_community(admins=(admin,), name="Breakfast club")
    names = ["Ben", "Cleo", "Dan", "Eve", "Finn", "Gus"]
    ada = make_user(display_name="Ada")
    people = {name: make_user(display_name=name) for name in names}
    for person in [ada, *people.values()]:
        make_member(community, person)
    february = put_in_community(past_event(
        ada, people["Ben"], people["Cleo"], creator=admin, title="February breakfast",
        ended_days_ago=40,
    ), community)  # fmt: skip
    march = put_in_community(past_event(
        ada, people["Ben"], people["Dan"], creator=admin, title="March breakfast",
        ended_days_ago=10,
    ), community)  # fmt: skip
    # Hosts-only: who came is not told to attendees.
    quiet = put_in_community(past_event(
        ada, people["Finn"], creator=admin, title="Quiet breakfast", ended_days_ago=20,
        directory_visibility="hosts",
    ), community)  # fmt: skip
    # Another community's: not this one's history.
    elsewhere = past_event(ada, people["Eve"], title="Elsewhere meetup", ended_days_ago=5)
    _hide(app, people["Dan"], march)  # Dan chose not to be shown at March
    april = put_in_community(make_event(creator=admin, title="April breakfast"), community)
    for person in [ada, *people.values()]:
        reply(person, april)
    with app.app_context():
        set_profile(ada, interests=["coffee", "design"], seeks=["advice"])
        for person in people.values():
            set_profile(person, interests=["coffee", "design"], offers=["advice"])
        db.session.commit()
        build(april)
    return {"ada": ada, **people, "april": april, "february": february, "march": march,
            "quiet": quiet, "elsewhere": elsewhere, "community": community}  # fmt: skip


def _reasons(app, viewer, event) -> dict[str, list[str]]:
    with app.app_context():
        found = lists.suggestions_for(
            db.session.get(User, viewer.id), db.session.get(Event, event.id), limit=10
        )
        return {s.display_name: s.reasons for s in found}


def test_a_suggestion_says_the_latest_earlier_edition_both_attended(app, room) -> None:
    said = _reasons(app, room["ada"], room["april"])
    assert set(said) == {"Ben", "Cleo", "Dan", "Eve", "Finn", "Gus"}
    # Said first, for the latest edition they both attended.
    assert said["Ben"][0] == "You were both at March breakfast"
    assert said["Cleo"][0] == "You were both at February breakfast"
    assert not any("February" in reason for reason in said["Ben"])  # one is enough
    # Dan hid himself at March, Finn's breakfast told nobody who came: not named.
    for name in ("Dan", "Finn"):
        assert not any("breakfast" in reason for reason in said[name]), said[name]
    # An event of no community, or of another one, is no "you were both at".
    assert not any("You were both at" in reason for reason in said["Eve"] + said["Gus"])
    # The other reasons follow.
    assert "Ben offers advice, which you're looking for" in said["Ben"]


def test_the_reason_is_on_the_who_is_coming_page(app, client, room) -> None:
    sign_in(client, room["ada"])
    html = client.get(f"/events/{room['april'].slug}/people").get_data(as_text=True)
    section = html.split(TITLE)[1].split("</section>")[0]
    assert "You were both at March breakfast" in section


def test_both_ways_each_told_only_what_they_may_be(app, room) -> None:
    # Ben sees Ada at March too; Dan, hidden at March, still is told Ada was there.
    assert _reasons(app, room["Ben"], room["april"])["Ada"][0] == (
        "You were both at March breakfast"
    )
    assert _reasons(app, room["Dan"], room["april"])["Ada"][0] == (
        "You were both at March breakfast"
    )


def test_an_event_outside_any_community_says_nothing_of_one(app, room, make_event, reply) -> None:
    ada, ben = room["ada"], room["Ben"]
    alone = make_event(title="Standalone night")
    for person in (ada, ben):
        reply(person, alone)
    with app.app_context():
        build(alone)
    said = _reasons(app, ada, alone)
    assert not any("You were both at" in reason for reason in said["Ben"])


def test_a_block_removes_the_suggestion_and_its_reason(app, room) -> None:
    with app.app_context():
        blocks.block_person(db.session.get(User, room["Ben"].id), room["ada"].id)
        db.session.commit()
    assert "Ben" not in _reasons(app, room["ada"], room["april"])


def test_the_reason_costs_one_query_for_the_whole_list(
    app, room, make_user, reply, count_queries
) -> None:
    def cost(limit: int) -> int:
        with app.app_context():
            viewer = db.session.get(User, room["ada"].id)
            event = db.session.get(Event, room["april"].id)
            with count_queries() as counted:
                found = lists.suggestions_for(viewer, event, limit=limit)
            assert len(found) == limit
            return counted.count

    assert cost(1) == cost(6)


# Asking to connect with someone met at one of the community's events


@pytest.fixture
def met(app, make_user, make_community, make_member, past_event, put_in_community):
    """Paz keeps an "only me" profile, but chose to be shown at the community's
    February event, which Ada attended with her; Sol, a member, did not."""
    admin = make_user()
    community = make_community(admins=(admin,))
    ada, paz, sol = (make_user(display_name=name) for name in ("Ada", "Paz", "Sol"))
    for person in (ada, paz, sol):
        make_member(community, person)
    february = put_in_community(
        past_event(ada, paz, creator=admin, title="February breakfast", ended_days_ago=40),
        community,
    )
    put_in_community(
        past_event(ada, sol, creator=admin, title="March breakfast", ended_days_ago=10),
        community,
    )
    with app.app_context():
        set_privacy(paz, ProfileVisibility.PRIVATE)
        db.session.execute(
            update(Rsvp).where(Rsvp.event_id == february.id, Rsvp.user_id == paz.id)
            .values(directory_choice=DirectoryChoice.SHOWN)
        )  # fmt: skip
        db.session.commit()
    return {"ada": ada, "paz": paz, "sol": sol, "february": february}


def _can_ask(app, asker, person) -> bool:
    with app.app_context():
        return privacy.can_ask(db.session.get(User, asker.id), db.session.get(User, person.id))


def test_one_may_ask_someone_met_at_any_of_the_communitys_events(app, met, outbox) -> None:
    ada, paz, sol = met["ada"], met["paz"], met["sol"]
    assert _can_ask(app, ada, paz)
    # A fellow member who never attended with her cannot reach an "only me" profile.
    assert not _can_ask(app, sol, paz)
    client = app.test_client()
    sign_in(client, ada)
    response = client.submit(f"/people/{paz.id}/connect", {"note": "Coffee again?"})
    assert response.status_code == 303
    with app.app_context():
        request = db.session.scalar(
            select(ConnectionRequest).where(ConnectionRequest.requester_id == ada.id)
        )
        assert request.event_id == met["february"].id  # where they met
    assert outbox.last(paz.email).context["met_at"] == "February breakfast"
    other = app.test_client()
    sign_in(other, sol)
    assert other.get(f"/people/{paz.id}/connect").status_code == 404


@pytest.mark.parametrize("blocker", ["ada", "paz"])
def test_a_block_still_wins_over_having_met(app, met, blocker) -> None:
    ada, paz = met["ada"], met["paz"]
    with app.app_context():
        person = paz if blocker == "ada" else ada
        blocks.block_person(db.session.get(User, met[blocker].id), person.id)
        db.session.commit()
    assert not _can_ask(app, ada, paz)
    client = app.test_client()
    sign_in(client, ada)
    assert client.get(f"/people/{paz.id}/connect").status_code == 404
    with app.app_context(), pytest.raises(NotFound):
        asking.ask_to_connect(db.session.get(User, ada.id), paz.id, now=utcnow())
