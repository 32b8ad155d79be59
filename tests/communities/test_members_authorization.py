"""Who may do what on every route of joining and members: a visitor, a
stranger, a person pending, declined, removed or blocked, a member and an
admin. A removal or a block answers as a stranger's would."""

from __future__ import annotations

import pytest

from meetup.extensions import db
from meetup.models import CommunityMember, MembershipState
from tests.plugins.app import sign_in

VIEWERS = ["anonymous", "stranger", "pending", "declined", "removed", "blocked", "member", "admin"]
STATES = {
    "pending": MembershipState.PENDING,
    "declined": MembershipState.DECLINED,
    "removed": MembershipState.REMOVED,
    "blocked": MembershipState.BLOCKED,
    "member": MembershipState.MEMBER,
}
LOGIN = 302


def _answers(default: int, **overrides: int) -> dict[str, int]:
    """Each viewer's answer: `default`, the log-in page for a visitor, and `overrides`."""
    return {**dict.fromkeys(VIEWERS, default), "anonymous": LOGIN, **overrides}


# (method, path under /communities/<slug>): the answer for each viewer.
ROUTES = {
    ("GET", "/join"): _answers(200, anonymous=200),
    ("POST", "/join"): _answers(303),
    ("POST", "/leave"): _answers(303),
    ("POST", "/my-choices"): _answers(403, pending=303, declined=303, member=303, admin=303),
    ("GET", "/members"): _answers(403, member=200, admin=200),
    ("GET", "/manage/members"): _answers(403, admin=200),
    ("GET", "/manage/members?tab=requests"): _answers(403, admin=200),
    ("GET", "/manage/members?tab=removed"): _answers(403, admin=200),
    ("GET", "/manage/members.csv"): _answers(403, admin=200),
    **{
        ("POST", f"/manage/members/TARGET/{action}"): _answers(403, admin=303)
        for action in ("approve", "decline", "remove", "block", "unblock")
    },
}


@pytest.fixture
def world(app, make_user, make_community, make_member):
    admin = make_user()
    community = make_community(admins=(admin,), is_approval_required=False)
    people = {"anonymous": None, "admin": admin}
    for name in VIEWERS[1:-1]:
        people[name] = make_user()
        if name in STATES:
            make_member(community, people[name], STATES[name])
    target = make_user()
    make_member(community, target, MembershipState.PENDING)
    return community, people, target


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(("method", "path"), list(ROUTES))
def test_each_route_for_each_viewer(app, world, viewer, method, path):
    community, people, target = world
    client = app.test_client()
    if people[viewer] is not None:
        sign_in(client, people[viewer])
    url = f"/communities/{community.slug}{path.replace('TARGET', str(target.id))}"
    if method == "GET":
        response = client.get(url)
    else:
        response = client.submit(url, {"mail": "nothing", "listing": "hidden"})
    expected = ROUTES[(method, path)][viewer]
    assert response.status_code == expected, (method, path, viewer)
    if expected == LOGIN:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_my_communities(app, world, viewer):
    _, people, _ = world
    client = app.test_client()
    if people[viewer] is not None:
        sign_in(client, people[viewer])
    assert client.get("/my/communities").status_code == (LOGIN if viewer == "anonymous" else 200)


def test_a_post_without_its_token_changes_nothing(app, world):
    community, people, _ = world
    client = app.test_client()
    sign_in(client, people["stranger"])
    response = client.post(f"/communities/{community.slug}/join", data={})
    assert response.status_code in (400, 422)
    with app.app_context():
        assert db.session.get(CommunityMember, (community.id, people["stranger"].id)) is None


def test_an_unknown_decision_is_not_found(app, world):
    community, people, target = world
    client = app.test_client()
    sign_in(client, people["admin"])
    url = f"/communities/{community.slug}/manage/members/{target.id}/promote"
    assert client.submit(url, {}).status_code == 404
