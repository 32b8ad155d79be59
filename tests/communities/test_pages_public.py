"""A community's public page and the listing of communities: what each
viewer sees (members-only events by title and date alone to non-members),
search and filters, query counts, and its calendar feed."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest

from meetup.models import MembershipState, ProfileVisibility
from meetup.models.types import utcnow
from meetup.services.communities.lifecycle import CommunityDetails, create_community
from tests.plugins.app import sign_in


@pytest.fixture
def world(make_user, make_community, make_member, make_event, put_in_community):
    admin = make_user(display_name="Ada Admin")
    community = make_community(admins=(admin,), name="Paris UX Nights")
    people = {"admin": admin}
    for state in MembershipState:
        person = make_user()
        make_member(community, person, state)
        people[state.value] = person
    people["stranger"] = make_user()
    public = put_in_community(make_event(creator=admin, title="Open breakfast"), community)
    secret = put_in_community(
        make_event(creator=admin, title="Members dinner", venue_name="Secret place"),
        community,
        members_only=True,
    )
    draft = put_in_community(make_event(creator=admin, title="Draft night", publish=False),
                             community)  # fmt: skip
    return community, people, public, secret, draft


@pytest.mark.parametrize(
    ("viewer", "sees_secret"),
    [
        (None, False),
        ("stranger", False),
        ("pending", False),
        ("declined", False),
        ("removed", False),
        ("blocked", False),
        ("member", True),
        ("admin", True),
    ],
)
def test_the_page_for_each_viewer(client, world, viewer, sees_secret):
    community, people, public, secret, _draft = world
    if viewer is not None:
        sign_in(client, people[viewer])
    response = client.get(f"/communities/{community.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Paris UX Nights" in html
    assert "Ada Admin" in html
    assert "2 members" in html  # the admin and the member
    assert f'href="/events/{public.slug}"' in html
    # Every viewer sees that it exists...
    assert "Members dinner" in html
    # ...the members alone see it, its link and place.
    assert (f'href="/events/{secret.slug}"' in html) == sees_secret
    assert ("Secret place" in html) == sees_secret
    assert "Draft night" not in html
    assert ("Admin tools" in html) == (viewer == "admin")


def test_admins_names_link_to_profiles_privacy_allows(app, make_user, make_community):
    from meetup.extensions import db
    from meetup.models import User

    open_admin = make_user(display_name="Open Admin")
    private_admin = make_user(display_name="Private Admin")
    members_admin = make_user(display_name="Members Admin")
    for person, visibility in ((open_admin, ProfileVisibility.PUBLIC),
                               (private_admin, ProfileVisibility.PRIVATE),
                               (members_admin, ProfileVisibility.MEMBERS)):  # fmt: skip
        with app.app_context():
            db.session.get(User, person.id).profile_visibility = visibility
            db.session.commit()
    community = make_community(admins=(open_admin, private_admin, members_admin))
    for signed_in in (False, True):
        client = app.test_client()
        if signed_in:
            sign_in(client, make_user())
        html = client.get(f"/communities/{community.slug}").get_data(as_text=True)
        assert f'href="/people/{open_admin.id}">Open Admin</a>' in html
        assert "Private Admin" in html and "Members Admin" in html
        assert f'href="/people/{private_admin.id}"' not in html
        assert (f'href="/people/{members_admin.id}"' in html) == signed_in


def test_a_block_hides_an_admin_both_ways(app, client, make_user, make_community):
    from meetup.extensions import db
    from meetup.models import User
    from meetup.services.connections import blocks

    admin, other_admin, viewer = make_user(display_name="Blocky"), make_user(), make_user()
    community = make_community(admins=(admin, other_admin))
    with app.app_context():
        blocks.block_person(db.session.get(User, admin.id), viewer.id)
        db.session.commit()
    sign_in(client, viewer)
    assert "Blocky" not in client.get(f"/communities/{community.slug}").get_data(as_text=True)


def test_past_events_are_listed(app, client, make_user, make_community, make_event,
                                put_in_community):  # fmt: skip
    from sqlalchemy import update

    from meetup.extensions import db
    from meetup.models import Event

    community = make_community()
    event = put_in_community(make_event(title="Last month"), community)
    with app.app_context():
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(starts_at=utcnow() - timedelta(days=30), ends_at=utcnow() - timedelta(days=29))
        )
        db.session.commit()
    html = client.get(f"/communities/{community.slug}").get_data(as_text=True)
    assert "Past events" in html and "Last month" in html
    assert "No upcoming events" in html


def _start(app, make_user, **details) -> str:
    from meetup.extensions import db
    from meetup.models import User

    with app.app_context():
        community = create_community(
            db.session.get(User, make_user().id),
            CommunityDetails(**{"description": "People.", **details}),
        )
        db.session.commit()
        return community.slug


def test_search_and_filters(app, client, make_user, make_community):
    paris = _start(app, make_user, name="Paris UX Nights", city="Paris", topics=["UX"])
    zurich = _start(app, make_user, name="Design Zürich", city="Zürich", topics=["design"],
                    description="Meets in **Paris** sometimes.")  # fmt: skip
    online = _start(app, make_user, name="Remote Café", city="", topics=["ux"])
    closed = make_community(name="Closed UX", status="closed", search_text="closed ux")

    def found(query: str) -> set[str]:
        html = client.get(f"/communities?{query}").get_data(as_text=True)
        return {slug for slug in (paris, zurich, online, closed.slug) if f'/{slug}"' in html}

    assert found("") == {paris, zurich, online}
    assert found("q=ux") == {paris, online}
    assert found("q=UX+nights") == {paris}
    assert found("q=cafe") == {online}  # accents and case folded
    assert found("q=zurich") == {zurich}
    assert found("city=paris") == {paris}  # the home city, not a mention
    assert found("city=ZURICH") == {zurich}
    assert found("online=y") == {online}
    assert found("topic=UX") == {paris, online}
    assert found("q=nothing+here") == set()
    assert "No community matches" in client.get("/communities?q=zzz").get_data(as_text=True)


def test_the_listing_is_paginated(client, make_community):
    for number in range(25):
        make_community(name=f"Group {number:02d}")
    first = client.get("/communities").get_data(as_text=True)
    assert "Group 00" in first and "Group 19" in first and "Group 20" not in first
    assert 'rel="next"' in first
    second = client.get("/communities?page=2").get_data(as_text=True)
    assert "Group 20" in second and "Group 24" in second and 'rel="prev"' in second


def test_the_index_query_count_does_not_grow(app, client, make_community, make_member, make_user,
                                             count_queries):  # fmt: skip
    make_community(name="First")
    client.get("/communities")  # warm caches
    with count_queries() as few:
        assert client.get("/communities").status_code == 200
    for number in range(12):
        community = make_community(name=f"More {number}", topics=[])
        make_member(community, make_user())
    with count_queries() as many:
        assert client.get("/communities").status_code == 200
    assert many.count == few.count, many.statements


def test_the_page_query_count_does_not_grow(client, make_community, make_event, put_in_community,
                                            make_user, count_queries):  # fmt: skip
    admin = make_user()
    small = make_community(admins=(admin,))
    put_in_community(make_event(creator=admin, title="Small"), small)
    big = make_community(admins=(admin, make_user(), make_user()))
    for number in range(6):
        put_in_community(make_event(creator=admin, title=f"Big {number}"), big,
                         members_only=number % 2 == 0)  # fmt: skip
    client.get(f"/communities/{small.slug}")
    with count_queries() as few:
        client.get(f"/communities/{small.slug}")
    with count_queries() as many:
        assert client.get(f"/communities/{big.slug}").status_code == 200
    assert many.count == few.count, many.statements


def test_the_feed_holds_its_public_events(client, world):
    community, people, _public, _secret, _draft = world
    response = client.get(f"/communities/{community.slug}/events.ics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.data)
    titles = [str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")]
    assert titles == ["Open breakfast"]
    assert "Paris UX Nights" in str(calendar["X-WR-CALNAME"])
    etag = response.headers["ETag"]
    again = client.get(f"/communities/{community.slug}/events.ics",
                       headers={"If-None-Match": etag})  # fmt: skip
    assert again.status_code == 304
    # Members see no more in it: a feed's address is public.
    sign_in(client, people["member"])
    response = client.get(f"/communities/{community.slug}/events.ics")
    calendar = icalendar.Calendar.from_ical(response.data)
    assert [str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")] == ["Open breakfast"]
    assert client.get("/communities/nope/events.ics").status_code == 404


def test_the_nav_links_to_communities(client):
    assert 'href="/communities"' in client.get("/events").get_data(as_text=True)
