"""Following a series (services.series.following, and its buttons on the
series page): once per person, stopped at will, only for a series the
person may see, not once it has ended; the count shown to hosts alone."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from meetup.extensions import db
from meetup.lib.errors import MembersOnly
from meetup.models import (
    CommunityMember,
    MembershipState,
    Series,
    SeriesFollower,
    SeriesStatus,
    User,
)
from meetup.services.series import following
from tests.plugins.app import sign_in


def followers(app, series) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(SeriesFollower.user_id).where(SeriesFollower.series_id == series.id)
            )
        )


@pytest.fixture
def fan_client(app, client, make_user):
    fan = make_user()
    sign_in(client, fan)
    client.person = fan
    return client


def test_following_twice_is_following_once_and_stopping_stops(app, fan_client, make_series):
    series = make_series()
    url = f"/series/{series.slug}"

    first = fan_client.submit(f"{url}/follow", {})
    again = fan_client.submit(f"{url}/follow", {})

    assert (first.status_code, again.status_code) == (303, 303)
    assert followers(app, series) == [fan_client.person.id]
    page = fan_client.get(url).get_data(as_text=True)
    assert "You follow this series" in page and "Stop following" in page
    assert "Followers" not in page  # the count is the hosts'

    assert fan_client.submit(f"{url}/unfollow", {}).status_code == 303
    assert followers(app, series) == []
    assert "Follow the series" in fan_client.get(url).get_data(as_text=True)


def test_following_needs_the_pages_token(app, fan_client, make_series):
    series = make_series()
    response = fan_client.post(f"/series/{series.slug}/follow", data={})
    assert response.status_code == 400
    assert followers(app, series) == []


def test_an_ended_series_takes_no_new_follower(app, fan_client, make_series):
    series = make_series()
    with app.app_context():
        db.session.execute(
            update(Series).where(Series.id == series.id).values(status=SeriesStatus.ENDED)
        )
        db.session.commit()

    response = fan_client.submit(f"/series/{series.slug}/follow", {})

    assert response.status_code == 303
    assert followers(app, series) == []
    page = fan_client.get(f"/series/{series.slug}", follow_redirects=True).get_data(as_text=True)
    assert "This series has ended" in page and "Follow the series" not in page


def test_a_person_who_left_the_community_still_stops_following(
    app, make_user, make_community, make_member, make_series
):
    admin, member = make_user(), make_user()
    community = make_community(admins=(admin,), slug="paris-ux")
    make_member(community, member)
    series = make_series(host=admin, community=community, visibility="members")
    client = app.test_client()
    sign_in(client, member)
    assert client.submit(f"/series/{series.slug}/follow", {}).status_code == 303
    with app.app_context():
        db.session.get(CommunityMember, (community.id, member.id)).state = MembershipState.REMOVED
        db.session.commit()

    assert client.submit(f"/series/{series.slug}/unfollow", {}).status_code == 303
    assert followers(app, series) == []


def test_the_service_refuses_a_stranger_a_members_only_series(
    app, make_user, make_community, make_series
):
    admin, stranger = make_user(), make_user()
    community = make_community(admins=(admin,), slug="paris-ux", name="Paris UX")
    series = make_series(host=admin, community=community, visibility="members")
    with app.app_context():
        loaded = db.session.get(Series, series.id)
        with pytest.raises(MembersOnly):
            following.follow_series(db.session.get(User, stranger.id), loaded)
        assert following.follow_series(db.session.get(User, admin.id), loaded) is True
        assert following.follower_count(loaded) == 1


def test_the_hosts_see_how_many_follow(app, make_user, make_series):
    host = make_user()
    series = make_series(host=host)
    for _ in range(2):
        fan = app.test_client()
        sign_in(fan, make_user())
        fan.submit(f"/series/{series.slug}/follow", {})
    client = app.test_client()
    sign_in(client, host)
    assert "<dt>Followers</dt><dd>2</dd>" in client.get(f"/series/{series.slug}").get_data(
        as_text=True
    )
