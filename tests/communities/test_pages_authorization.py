"""Who may open and use each page of a community: anonymous visitors,
strangers, people pending, declined, removed or blocked, members and
admins, for an open and a closed community. Anonymous visitors are sent to
log in where logging in could help; others get 403 from the admins' tools."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetup.extensions import db
from meetup.models import CommunityAdminInvitation, MembershipState
from meetup.models.types import utcnow
from tests.plugins.app import sign_in

VIEWERS = ["anonymous", "stranger", "pending", "declined", "removed", "blocked", "member",
           "admin"]  # fmt: skip
SETTINGS = {"name": "Renamed", "description": "Still us.", "topics": "", "city": ""}


@pytest.fixture
def world(app, make_user, make_community, make_member):
    def build(*, closed: bool):
        admin, other_admin = make_user(), make_user()
        community = make_community(admins=(admin, other_admin),
                                   status="closed" if closed else "open")  # fmt: skip
        people = {"admin": admin, "stranger": make_user()}
        for state in MembershipState:
            person = make_user()
            make_member(community, person, state)
            people[state.value] = person
        with app.app_context():
            invitation = CommunityAdminInvitation(
                community_id=community.id, email="invited@example.org", invited_by_id=admin.id,
                token_hash="0" * 64, expires_at=utcnow() + timedelta(days=7),
            )  # fmt: skip
            db.session.add(invitation)
            db.session.commit()
            invitation_id = invitation.id
        return community, people, other_admin, invitation_id

    return build


def _expected(viewer: str, *, closed: bool) -> dict[str, int]:
    """The status of each request for `viewer`."""
    if viewer == "anonymous":
        login = 302
        return {"index": 200, "page": 200, "feed": 200, "new": login, "settings": login,
                "save": login, "close_page": login, "close": login, "admins": login,
                "invite": login, "remove": login, "revoke": login}  # fmt: skip
    if viewer != "admin":
        return {"index": 200, "page": 200, "feed": 200, "new": 200, "settings": 403,
                "save": 403, "close_page": 403, "close": 403, "admins": 403, "invite": 403,
                "remove": 403, "revoke": 403}  # fmt: skip
    refused = 422 if closed else 303
    return {"index": 200, "page": 200, "feed": 200, "new": 200, "settings": 200,
            "save": refused, "close_page": 200, "invite": refused, "admins": 200,
            "remove": 303, "revoke": 303, "close": refused}  # fmt: skip


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_route_for_each_viewer(client, world, viewer, closed):
    community, people, other_admin, invitation_id = world(closed=closed)
    if viewer != "anonymous":
        sign_in(client, people[viewer])
    base = f"/communities/{community.slug}"
    requests = {
        "index": lambda: client.get("/communities"),
        "page": lambda: client.get(base),
        "feed": lambda: client.get(f"{base}/events.ics"),
        "new": lambda: client.get("/communities/new"),
        "settings": lambda: client.get(f"{base}/settings"),
        "save": lambda: client.submit(f"{base}/settings", SETTINGS),
        "close_page": lambda: client.get(f"{base}/close"),
        "admins": lambda: client.get(f"{base}/admins"),
        "invite": lambda: client.submit(f"{base}/admins", {"email": "new@example.org"}),
        "revoke": lambda: client.submit(f"{base}/admin-invitations/{invitation_id}/revoke", {}),
        "remove": lambda: client.submit(f"{base}/admins/{other_admin.id}/remove", {}),
        "close": lambda: client.submit(f"{base}/close", {}),
    }
    statuses = {name: request().status_code for name, request in requests.items()}
    assert statuses == _expected(viewer, closed=closed)


def test_every_post_needs_its_csrf_token(client, make_user, make_community):
    admin, other = make_user(), make_user()
    community = make_community(admins=(admin, other))
    sign_in(client, admin)
    base = f"/communities/{community.slug}"
    for url in ("/communities/new", f"{base}/settings", f"{base}/close", f"{base}/admins"):
        assert client.post(url, data=SETTINGS | {"email": "a@example.org"}).status_code in (
            400, 422,
        )  # fmt: skip
    for url in (f"{base}/admins/{other.id}/remove", f"{base}/admin-invitations/1/revoke"):
        assert client.post(url).status_code == 400
