"""A community's members-only event appears nowhere to a non-member: viewer
(visitor, stranger, pending, removed after replying, blocked, member, admin
and host) × surface (its page, .ics, who's coming and its CSV, the hosts'
replies CSV, the listing and search, profiles, feeds, My events, "met at",
suggestions' reasons). Members and hosts see it; the others get the page
that names the community to join (or to log in), and find it listed nowhere."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import update

from meetup.extensions import db
from meetup.models import (
    Community,
    CommunityMember,
    Event,
    EventVisibility,
    MembershipState,
    User,
)
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.calendar import feeds
from meetup.services.rsvps.attendance import met_at
from tests.followups.helpers import ended_event, run_job
from tests.plugins.app import sign_in

SECRET = "Secret supper"
PAST_SECRET = "Secret breakfast"
VIEWERS = ("visitor", "stranger", "pending", "removed", "blocked", "member", "admin")
SEES = {"member", "admin"}


@dataclass
class World:
    community: Community
    event: Event
    past: Event
    people: dict[str, User]


def _set_state(app, community: Community, person: User, state: MembershipState) -> None:
    with app.app_context():
        db.session.get(CommunityMember, (community.id, person.id)).state = state
        db.session.commit()


@pytest.fixture
def world(app, make_user, make_event, make_community, make_member, put_in_community, reply):
    people = {name: make_user(display_name=name.title()) for name in VIEWERS if name != "visitor"}
    community = make_community(admins=(people["admin"],), name="Paris UX Nights", slug="paris-ux")
    for name in ("member", "removed"):
        make_member(community, people[name])
    make_member(community, people["pending"], MembershipState.PENDING)
    make_member(community, people["blocked"], MembershipState.BLOCKED)
    event = make_event(creator=people["admin"], title=SECRET, topics="design")
    event = put_in_community(event, community, members_only=True)
    past = ended_event(
        app, people["admin"], [people["admin"], people["member"], people["removed"]],
        directory="everyone", title=PAST_SECRET,
    )  # fmt: skip
    past = put_in_community(past, community, members_only=True)
    for name in ("member", "removed"):
        reply(people[name], event)
    _set_state(app, community, people["removed"], MembershipState.REMOVED)
    return World(community, event, past, people)


def _client_for(app, viewer: str, world: World):
    client = app.test_client()
    if viewer != "visitor":
        sign_in(client, world.people[viewer])
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
def test_its_page_and_its_files_are_for_members_and_hosts(app, world, viewer) -> None:
    client = _client_for(app, viewer, world)
    slug = world.event.slug
    page = client.get(f"/events/{slug}")
    ics = client.get(f"/events/{slug}/calendar.ics")
    people = client.get(f"/events/{slug}/people")
    if viewer in SEES:
        assert page.status_code == 200 and SECRET in page.text
        assert ics.status_code == 200 and SECRET in ics.text
        assert people.status_code == 200
        return
    for response in (page, ics, people):
        assert response.status_code == 403
        assert SECRET not in response.text
        assert "This event is for members of Paris UX Nights" in response.text
        assert 'href="/communities/paris-ux"' in response.text
    assert ("Log in" in page.text) == (viewer == "visitor")
    # Replying, and the hosts' files, are refused the same way.
    assert client.get(f"/events/{slug}/rsvp").status_code in (302, 403)
    for csv in ("people.csv", "replies.csv"):
        response = client.get(f"/events/{slug}/{csv}")
        assert response.status_code in (302, 403) and SECRET not in response.text


def test_a_stored_public_ics_is_never_served_for_a_members_only_event(app, world) -> None:
    """The visitors' .ics comes from a stored entry without loading the event:
    one stored while the event was public must not serve it once members only."""
    slug = world.event.slug
    with app.app_context():
        db.session.execute(
            update(Event).where(Event.id == world.event.id)
            .values(visibility=EventVisibility.PUBLIC, updated_at=Event.updated_at)
        )  # fmt: skip
        db.session.commit()
    client = app.test_client()
    assert client.get(f"/events/{slug}/calendar.ics").status_code == 200  # stored now
    with app.app_context():
        db.session.execute(
            update(Event).where(Event.id == world.event.id)
            .values(visibility=EventVisibility.MEMBERS, updated_at=Event.updated_at)
        )  # fmt: skip
        db.session.commit()
    response = client.get(f"/events/{slug}/calendar.ics")
    assert response.status_code == 403 and SECRET not in response.text


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_listing_search_and_public_feeds_never_list_it(app, world, viewer) -> None:
    client = _client_for(app, viewer, world)
    admin = world.people["admin"].id
    for url in (
        "/events",
        "/events?q=secret",
        "/events/past",
        "/topics/design",
        f"/people/{admin}/events",
        "/calendar/events.ics",
        "/topics/design/calendar.ics",
        f"/people/{admin}/calendar.ics",
    ):
        host_page = f"/people/{admin}/" in url
        if host_page and viewer == "admin":
            continue  # their own page lists all they host, the secret too
        response = client.get(url)
        # A host page exists only for someone hosting a public event: none here.
        assert response.status_code == (404 if host_page else 200), url
        assert SECRET not in response.text and PAST_SECRET not in response.text, url


@pytest.mark.parametrize("viewer", ["removed", "member", "admin"])
def test_a_person_s_own_lists_show_it_only_while_they_may_see_it(app, world, viewer) -> None:
    person = world.people[viewer]
    client = _client_for(app, viewer, world)
    with app.app_context():
        token = feeds.feed_token(db.session.get(User, person.id))
        db.session.commit()
    mine = client.get("/my/events").text
    feed = client.get(f"/calendar/{token}.ics").text
    sees = viewer in SEES
    assert (SECRET in mine) == sees
    assert (SECRET in feed) == sees
    assert (PAST_SECRET in mine) == sees


@pytest.mark.parametrize("viewer", ["removed", "member", "admin", "stranger"])
def test_profiles_name_it_together_only_to_those_who_may_see_it(app, world, viewer) -> None:
    """Both went to the past members-only event: a profile's "together"
    list names it to a viewer only while they may see it."""
    target = world.people["admin" if viewer == "member" else "member"]
    client = _client_for(app, viewer, world)
    page = client.get(f"/people/{target.id}")
    assert page.status_code == 200
    assert (PAST_SECRET in page.text) == (viewer in SEES)


def test_met_at_names_it_only_to_those_who_may_see_it(app, world) -> None:
    people = world.people
    with app.app_context():
        now = utcnow()
        seen_by_removed = met_at(people["removed"].id, [people["member"].id], now=now)
        seen_by_admin = met_at(people["admin"].id, [people["member"].id], now=now)
        recorded = met_at(people["removed"].id, [people["member"].id], now=now, told=False)
    assert seen_by_removed[people["member"].id] == []
    assert [m.title for m in seen_by_admin[people["member"].id]] == [PAST_SECRET]
    assert [m.title for m in recorded[people["member"].id]] == [PAST_SECRET]


def test_batches_hide_it_from_whoever_may_not_see_it(app, world) -> None:
    """Suggestions' reasons ("You both went to ...") name events to many
    viewers at once: privacy.hidden_members_events says whom to hide each from."""
    ids = {name: person.id for name, person in world.people.items()}
    with app.app_context():
        hidden = privacy.hidden_members_events(set(ids.values()), {world.past.id, world.event.id})
    both = {world.past.id, world.event.id}
    for name in ("stranger", "pending", "removed", "blocked"):
        assert hidden[ids[name]] == both
    assert ids["member"] not in hidden and ids["admin"] not in hidden


def test_the_python_and_sql_rules_agree(app, world) -> None:
    from sqlalchemy import select

    with app.app_context():
        event = db.session.get(Event, world.event.id)
        for name in VIEWERS:
            person = db.session.get(User, world.people[name].id) if name != "visitor" else None
            is_host = person is not None and any(h.user_id == person.id for h in event.hosts)
            python = privacy.may_see_members_event(person, event, viewer_is_host=is_host)
            sql = db.session.scalar(
                select(Event.id).where(
                    Event.id == event.id,
                    privacy.members_event_condition(person.id if person else None),
                )
            )
            assert python == (sql is not None) == (name in SEES), name


def test_mail_about_it_reaches_only_those_who_may_see_it(app, client, world, outbox) -> None:
    """The hosts' message and the follow-up go to the people who may see
    the event: not to a person removed since they replied."""
    people = world.people
    sign_in(client, people["admin"])
    sent = client.submit(
        f"/events/{world.event.slug}/message",
        {"audience": "going", "subject": "Menu", "body": "Soup."},
    )
    assert sent.status_code == 303
    told = {m.user_id for m in outbox.messages() if m.dedupe_key.startswith("host-message:")}
    assert people["member"].id in told and people["removed"].id not in told
    run_job(app)
    followed = {m.user_id for m in outbox.messages() if m.dedupe_key.startswith("followup:")}
    assert people["member"].id in followed and people["removed"].id not in followed
