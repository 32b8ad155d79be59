"""Who sees what of a series whose occurrences are not all for everyone:
an occurrence made members-only on its own, or a series split into a
members-only continuation. A stranger (or anonymous visitor) sees nothing
of them on the series page, in its .ics, or in an occurrence's series box;
a member sees them."""

from __future__ import annotations

import pytest

from meetup.extensions import db
from meetup.lib.errors import PermissionDenied
from meetup.lib.tokens import token_maker
from meetup.models import (
    CommunityMember,
    Event,
    EventHost,
    EventVisibility,
    HostRole,
    MembershipState,
    Series,
    SeriesFollower,
    SeriesStatus,
    User,
)
from meetup.services.series import announcements, following
from meetup.services.series.editing import EditScope, update_event
from tests.plugins.app import sign_in
from tests.series.test_event_page_series import neighbours
from tests.series.test_split import FIRST, NOW, at, details_of, occurrences

SECRET = "Board only dinner"


@pytest.fixture
def world(app, make_user, make_community, make_member, make_series):
    host, member, stranger = make_user(), make_user(), make_user()
    community = make_community(admins=(host,))
    make_member(community, member)
    series = make_series(host=host, community=community, starts_local=FIRST, now=NOW)
    return {"host": host, "member": member, "stranger": stranger, "series": series}


def _edit(app, series_id: int, position: int, scope: EditScope) -> tuple[str, str, str]:
    """Make the occurrence at `position` members-only and secret; the slugs
    of the occurrence before it and of it, and the continuing series'."""
    with app.app_context():
        made = occurrences(series_id)
        event = made[position]
        actor = db.session.get(User, event.created_by_id)
        community = db.session.get(Series, series_id).community.slug
        changes = at(event, 19, 30) | {
            "title": SECRET, "visibility": "members", "community": community,
        }  # fmt: skip
        update_event(actor, event, details_of(event, **changes), scope=scope, now=NOW)
        db.session.commit()
        continuation = db.session.scalar(
            db.select(Series.slug).where(Series.continued_from_id == series_id)
        )
        return made[position - 1].slug, event.slug, continuation or ""


def _clients(app, world):
    anonymous = app.test_client()
    stranger = app.test_client()
    sign_in(stranger, world["stranger"])
    member = app.test_client()
    sign_in(member, world["member"])
    return anonymous, stranger, member


def _pages(client, series_slug: str, before_slug: str) -> str:
    texts = []
    for path in (f"/series/{series_slug}", f"/series/{series_slug}.ics", f"/events/{before_slug}"):
        response = client.get(path)
        assert response.status_code == 200, path
        texts.append(response.get_data(as_text=True))
    return "\n".join(texts)


@pytest.mark.parametrize("scope", [EditScope.THIS, EditScope.FOLLOWING])
def test_a_members_only_occurrence_shows_only_to_members(app, world, scope):
    series = world["series"]
    before, secret_slug, continuation = _edit(app, series.id, 2, scope)
    anonymous, stranger, member = _clients(app, world)
    for outsider in (anonymous, stranger):
        seen = _pages(outsider, series.slug, before)
        assert SECRET not in seen
        assert "board-only" not in seen.lower()
        assert outsider.get(f"/events/{secret_slug}").status_code in (403, 404)
        if continuation:
            assert outsider.get(f"/series/{continuation}").status_code in (403, 404)
            assert outsider.get(f"/series/{continuation}.ics").status_code in (403, 404)
    seen = _pages(member, series.slug, before)
    assert secret_slug in seen


def test_a_stranger_cannot_follow_a_members_only_continuation(app, world):
    series = world["series"]
    _, _, continuation = _edit(app, series.id, 2, EditScope.FOLLOWING)
    _, stranger, member = _clients(app, world)
    for path in (f"/series/{continuation}/follow", f"/series/{continuation}/end"):
        assert stranger.submit(path, {}).status_code in (403, 404)
    assert member.submit(f"/series/{continuation}/follow", {}).status_code == 303
    assert member.submit(f"/series/{continuation}/end", {}).status_code in (403, 404)


def test_the_series_ics_of_a_members_only_continuation_is_never_cached_publicly(app, world):
    series = world["series"]
    _, _, continuation = _edit(app, series.id, 2, EditScope.FOLLOWING)
    _, _, member = _clients(app, world)
    response = member.get(f"/series/{continuation}.ics")
    assert response.status_code == 200
    assert "public" not in response.headers.get("Cache-Control", "")


ROLES = ("anonymous", "stranger", "member", "attendee", "cohost_of_one", "host", "admin")


@pytest.fixture
def members_series(app, make_user, make_community, make_member, make_series, reply):
    """A members-only series of a community with two admins (the host and
    another), a member, a stranger, an attendee of one occurrence (a member
    then, who left) and a co-host of that one occurrence alone."""
    people = {role: make_user() for role in ROLES[1:]}
    community = make_community(admins=(people["host"], people["admin"]))
    for role in ("member", "attendee", "cohost_of_one"):
        make_member(community, people[role])
    series = make_series(
        host=people["host"], community=community, visibility="members",
        starts_local=FIRST, now=NOW, title="Inner circle",
    )  # fmt: skip
    with app.app_context():
        first = occurrences(series.id)[0]
        reply(people["attendee"], first)
        db.session.add(EventHost(event_id=first.id, user_id=people["cohost_of_one"].id,
                                 role=HostRole.COHOST))  # fmt: skip
        db.session.commit()
        first_slug = first.slug
    with app.app_context():  # removed from the community since
        for role in ("attendee", "cohost_of_one"):
            row = db.session.get(CommunityMember, (community.id, people[role].id))
            row.state = MembershipState.REMOVED
        db.session.commit()
    return series, people, first_slug


def _client(app, people, role: str):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, people[role])
    return client


SEES = {"anonymous": False, "stranger": False, "member": True, "attendee": False,
        "cohost_of_one": False, "host": True, "admin": True}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_a_members_only_series_by_role(app, members_series, role):
    series, people, _ = members_series
    client = _client(app, people, role)
    for path in (f"/series/{series.slug}", f"/series/{series.slug}.ics"):
        response = client.get(path)
        text = response.get_data(as_text=True)
        if SEES[role]:
            assert response.status_code == 200, (role, path)
            assert "Inner circle" in text
        else:
            assert response.status_code in (403, 404), (role, path, response.status_code)
            assert "Station F" not in text
    follow = client.submit(f"/series/{series.slug}/follow", {})
    if role == "anonymous":
        assert follow.status_code == 302 and "/login" in follow.headers["Location"]
    else:
        assert follow.status_code == (303 if SEES[role] else 403), role
    end = client.submit(f"/series/{series.slug}/end", {})
    if role in ("host", "admin"):
        assert end.status_code == 303
        with app.app_context():
            assert db.session.get(Series, series.id).status == SeriesStatus.ENDED
    else:
        assert end.status_code in (302, 403, 404), (role, end.status_code)
        with app.app_context():
            assert db.session.get(Series, series.id).status == SeriesStatus.ACTIVE


def test_a_cohost_of_one_occurrence_edits_it_but_not_the_following(app, members_series):
    series, people, _ = members_series
    with app.app_context():
        first = occurrences(series.id)[0]
        cohost = db.session.get(User, people["cohost_of_one"].id)
        with pytest.raises(PermissionDenied):
            update_event(cohost, first, details_of(first, **at(first, 20)),
                         scope=EditScope.FOLLOWING, now=NOW)  # fmt: skip
        db.session.rollback()
        assert db.session.scalar(
            db.select(db.func.count()).select_from(Series)
            .where(Series.continued_from_id == series.id)
        ) == 0  # fmt: skip


def test_the_series_box_links_an_outsider_to_no_members_only_neighbour(app, world):
    """The following dates made members-only (a split), then the split date
    alone made public again: its page shows no link to the next date, whose
    address (from its title) is the members' own; a member has the link."""
    series = world["series"]
    _, split_slug, _ = _edit(app, series.id, 2, EditScope.FOLLOWING)
    with app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.slug == split_slug))
        actor = db.session.get(User, event.created_by_id)
        public = details_of(event, title="Monthly meetup", visibility="public")
        update_event(actor, event, public, scope=EditScope.THIS, now=NOW)
        db.session.commit()
        later = occurrences(event.series_link.series_id)[1]
        assert later.visibility == EventVisibility.MEMBERS
    anonymous, stranger, member = _clients(app, world)
    for outsider in (anonymous, stranger):
        html = outsider.get(f"/events/{split_slug}").get_data(as_text=True)
        assert neighbours(html)[1] is None
        assert later.slug not in html
    html = member.get(f"/events/{split_slug}").get_data(as_text=True)
    assert neighbours(html)[1] == later.slug


def test_the_series_box_names_no_series_an_outsider_may_not_see(app, world):
    """The following dates made members-only (a split, "Board only dinner"),
    then the split date alone made public again: an outsider on its page is
    not told the members' series' name, a member is."""
    series = world["series"]
    _, split_slug, continuation = _edit(app, series.id, 2, EditScope.FOLLOWING)
    with app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.slug == split_slug))
        actor = db.session.get(User, event.created_by_id)
        public = details_of(event, title="Monthly meetup", visibility="public")
        update_event(actor, event, public, scope=EditScope.THIS, now=NOW)
        db.session.commit()
    anonymous, stranger, member = _clients(app, world)
    for outsider in (anonymous, stranger):
        html = outsider.get(f"/events/{split_slug}").get_data(as_text=True)
        assert SECRET not in html
        assert continuation not in html
    html = member.get(f"/events/{split_slug}").get_data(as_text=True)
    assert SECRET in html
    assert f"/series/{continuation}" in html


@pytest.mark.parametrize(
    ("purpose", "payload"),
    [
        ("unsubscribe-community", {"user": 0, "series": 0}),  # another purpose's token
        ("unsubscribe-series", {"user": "0", "series": 0}),  # a forged payload's types
        ("unsubscribe-series", {"user": 0}),
        ("unsubscribe-series", {"user": 0, "series": 10**20}),
        ("unsubscribe-series", []),
    ],
)
def test_an_unsubscribe_link_stops_only_the_person_and_series_it_was_signed_for(
    app, make_user, make_series, purpose, payload
):
    series = make_series()
    fan, other = make_user(), make_user()
    with app.app_context():
        for person in (fan, other):
            following.follow_series(db.session.get(User, person.id),
                                    db.session.get(Series, series.id))  # fmt: skip
        db.session.commit()
        if isinstance(payload, dict):
            real = {"user": fan.id, "series": series.id}
            payload = {key: real[key] if value == 0 else value for key, value in payload.items()}
        token = token_maker(purpose)(payload)
        own = announcements.unsubscribe_links(series.id)(other.id).rsplit("/", 1)[1]
    client = app.test_client()
    bad = client.post(f"/unsubscribe/series/{token}")
    forged = purpose != "unsubscribe-series" or payload != {"user": fan.id, "series": series.id}
    assert bad.status_code == (400 if forged else 200)
    assert client.post(f"/unsubscribe/series/{own}").status_code == 200
    with app.app_context():
        follows = set(
            db.session.scalars(
                db.select(SeriesFollower.user_id).where(SeriesFollower.series_id == series.id)
            )
        )
    assert follows == {fan.id}  # the other's own link stopped them alone
