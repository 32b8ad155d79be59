"""Publishing an event in a community from the event form: the choice of
community, members only, moving an event in and out, and the admins as its
hosts; the event page names its community; the listing filters by it."""

from __future__ import annotations

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import (
    CommunityEvent,
    Event,
    EventHost,
    EventVisibility,
    HostRole,
)
from meetup.models.types import utcnow
from tests.plugins.app import sign_in

NEXT_YEAR = utcnow().year + 1


def _form(**overrides: str) -> dict[str, str]:
    return {
        "title": "UX breakfast",
        "description": "Coffee and critique.",
        "timezone": "Europe/Paris",
        "starts_at": f"{NEXT_YEAR}-06-10T08:00",
        "ends_at": f"{NEXT_YEAR}-06-10T10:00",
        "venue_name": "Station F",
        "topics": "ux",
        "visibility": "public",
        "directory_visibility": "attendees",
        "community": "",
    } | overrides


def _event(app, slug: str) -> tuple[Event, int | None, dict[int, HostRole]]:
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        link = db.session.get(CommunityEvent, event.id)
        hosts = {
            row.user_id: row.role
            for row in db.session.scalars(select(EventHost).where(EventHost.event_id == event.id))
        }
        db.session.expunge_all()
        return event, (link.community_id if link else None), hosts


def _slug(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_the_form_offers_the_communities_one_administers(client, make_user, make_community):
    admin = make_user()
    mine = make_community(admins=(admin,), name="Mine")
    closed = make_community(admins=(admin,), name="Closed one", status="closed")
    other = make_community(name="Not mine")
    sign_in(client, admin)
    html = client.get("/events/new").get_data(as_text=True)
    assert f'value="{mine.slug}"' in html and "Hosts only" in html
    assert other.slug not in html and closed.slug not in html
    html = client.get(f"/events/new?community={mine.slug}").get_data(as_text=True)
    assert f'selected value="{mine.slug}"' in html or f'value="{mine.slug}" selected' in html
    sign_in(client, make_user())
    assert 'name="community"' not in client.get("/events/new").get_data(as_text=True)


def test_an_admin_publishes_in_the_community_and_every_admin_hosts_it(
    app, client, make_user, make_community
):
    admin, other_admin = make_user(), make_user()
    community = make_community(admins=(admin, other_admin))
    sign_in(client, admin)
    slug = _slug(client.submit("/events/new", _form(community=community.slug)))
    _, community_id, hosts = _event(app, slug)
    assert community_id == community.id
    assert hosts == {admin.id: HostRole.CREATOR, other_admin.id: HostRole.COHOST}
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert f'href="/communities/{community.slug}">{community.name}</a>' in page


def test_members_only_needs_a_community(app, client, make_user, make_community):
    admin = make_user()
    community = make_community(admins=(admin,))
    sign_in(client, admin)
    response = client.submit("/events/new", _form(visibility="members"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="visibility-error"' in html and "members only" in html
    slug = _slug(
        client.submit("/events/new", _form(visibility="members", community=community.slug))
    )
    assert _event(app, slug)[0].visibility == EventVisibility.MEMBERS


def test_nobody_publishes_in_a_community_they_do_not_run(app, client, make_user, make_community,
                                                         make_member):  # fmt: skip
    member = make_user()
    community = make_community()
    make_member(community, member)
    sign_in(client, member)
    response = client.submit("/events/new", _form(community=community.slug))
    assert response.status_code == 422
    assert 'id="community-error"' in response.get_data(as_text=True)
    for missing in ("nope", "<script>"):
        assert client.submit("/events/new", _form(community=missing)).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Event).where(Event.title == "UX breakfast")) is None


def test_a_closed_community_takes_no_new_event(app, client, make_user, make_community):
    admin = make_user()
    community = make_community(admins=(admin,), status="closed")
    sign_in(client, admin)
    response = client.submit("/events/new", _form(community=community.slug))
    assert response.status_code == 422
    assert "has closed" in response.get_data(as_text=True)


def test_a_host_moves_their_event_in_and_out(app, client, make_user, make_community, make_event):
    host, cohost, admin = make_user(), make_user(), make_user()
    community = make_community(admins=(host, admin))
    event = make_event(creator=host, cohosts=(cohost,))
    sign_in(client, host)
    edit = f"/events/{event.slug}/edit"
    assert _slug(client.submit(edit, _form(community=community.slug))) == event.slug
    _, community_id, hosts = _event(app, event.slug)
    assert community_id == community.id
    assert hosts == {host.id: HostRole.CREATOR, cohost.id: HostRole.COHOST,
                     admin.id: HostRole.COHOST}  # fmt: skip
    # A co-host who is no admin edits: the event stays where it is.
    sign_in(client, cohost)
    form = client.get(edit).get_data(as_text=True)
    assert (
        f'value="{community.slug}" selected' in form or f'selected value="{community.slug}"' in form
    )
    _slug(client.submit(edit, _form(community=community.slug, title="Edited")))
    assert _event(app, event.slug)[1] == community.id
    # ...and may not take it out.
    response = client.submit(edit, _form(community=""))
    assert response.status_code == 422
    assert "take the event out" in response.get_data(as_text=True)
    # Out, by an admin: the admins who came with the community go; the
    # invited co-host stays.
    sign_in(client, host)
    _slug(client.submit(edit, _form(community="")))
    _, community_id, hosts = _event(app, event.slug)
    assert community_id is None
    assert hosts == {host.id: HostRole.CREATOR, cohost.id: HostRole.COHOST}


def test_a_members_only_event_cannot_leave_its_community_as_members_only(
    app, client, make_user, make_community
):
    admin = make_user()
    community = make_community(admins=(admin,))
    sign_in(client, admin)
    slug = _slug(
        client.submit("/events/new", _form(visibility="members", community=community.slug))
    )
    response = client.submit(f"/events/{slug}/edit", _form(visibility="members", community=""))
    assert response.status_code == 422
    assert _event(app, slug)[1] == community.id


def test_the_listing_filters_by_community(client, make_user, make_event, make_community,
                                          put_in_community):  # fmt: skip
    community = make_community()
    inside = put_in_community(make_event(title="Inside"), community)
    make_event(title="Outside")
    hidden = put_in_community(make_event(title="Secret"), community, members_only=True)
    html = client.get(f"/events?community={community.slug}").get_data(as_text=True)
    assert inside.title in html and "Outside" not in html and hidden.title not in html
    assert "The events of one community" in html
    html = client.get("/events?community=nope").get_data(as_text=True)
    assert "Inside" not in html and "No events match" in html


def test_the_next_edition_stays_in_the_community(app, client, make_user, make_community):
    admin = make_user()
    community = make_community(admins=(admin,))
    sign_in(client, admin)
    slug = _slug(
        client.submit("/events/new", _form(visibility="members", community=community.slug))
    )
    response = client.submit(f"/events/{slug}/copy", {"weeks": "4"})
    assert response.status_code == 303
    event, community_id, _ = _event(app, response.headers["Location"].split("/")[-2])
    assert community_id == community.id
    assert event.visibility == EventVisibility.MEMBERS


def test_a_copy_by_a_host_who_runs_no_community_is_their_own_and_unlisted(
    app, client, make_user, make_community, make_event, put_in_community
):
    admin, cohost = make_user(), make_user()
    community = make_community(admins=(admin,))
    event = put_in_community(make_event(creator=admin, cohosts=(cohost,)), community,
                             members_only=True)  # fmt: skip
    sign_in(client, cohost)
    response = client.submit(f"/events/{event.slug}/copy", {"weeks": "1"})
    assert response.status_code == 303
    copy_slug = response.headers["Location"].split("/")[-2]
    copied, community_id, hosts = _event(app, copy_slug)
    assert community_id is None
    assert copied.visibility == EventVisibility.UNLISTED
    assert hosts == {cohost.id: HostRole.CREATOR}


def test_a_draft_in_a_community_that_closed_is_not_published(
    app, client, make_user, make_community, make_event, put_in_community
):
    admin = make_user()
    community = make_community(admins=(admin,))
    draft = put_in_community(make_event(creator=admin, publish=False), community)
    sign_in(client, admin)
    client.submit(f"/communities/{community.slug}/close", {})
    response = client.submit(f"/events/{draft.slug}/publish", {})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Its community has closed" in page
    assert _event(app, draft.slug)[0].status.value == "draft"


def test_a_closed_community_takes_no_admin(client, make_user, make_community):
    admin = make_user()
    community = make_community(admins=(admin,), status="closed")
    sign_in(client, admin)
    page = client.get(f"/communities/{community.slug}/admins").get_data(as_text=True)
    assert "Invite an admin" not in page
    response = client.submit(f"/communities/{community.slug}/admins", {"email": "a@example.org"})
    assert response.status_code == 422
    assert "has closed" in response.get_data(as_text=True)
