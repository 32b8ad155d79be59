"""The series page (/series/<slug>): its rule in words, its community, its
dates (made ones with their state, then the planned ones), past dates, the
calendar subscription, following; who sees a members-only series; a
constant number of queries whatever the number of dates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.schedules import Frequency
from meetup.models import (
    CommunityMember,
    Event,
    MembershipState,
    SeriesFollower,
    SeriesOccurrence,
    User,
)
from meetup.models.types import utcnow
from meetup.services.hosting import lifecycle
from tests.plugins.app import sign_in
from tests.plugins.series import schedule_of
from tests.series.test_series_form import form


def occurrence_events(series_id: int) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
            .where(SeriesOccurrence.series_id == series_id)
            .order_by(SeriesOccurrence.recurrence_at)
        )
    )


def signed_in(app, person: User):
    client = app.test_client()
    sign_in(client, person)
    return client


def test_the_page_shows_the_rule_the_dates_their_states_and_the_planned_ones(
    app, client, make_user, make_series
):
    host = make_user()
    series = make_series(host=host, title="Paris UX Nights")
    with app.app_context():
        first, second, third = occurrence_events(series.id)[:3]
        lifecycle.cancel_event(db.session.get(User, host.id), second)
        third.starts_at += timedelta(days=1)
        third.ends_at += timedelta(days=1)
        db.session.commit()
        slugs = [first.slug, second.slug, third.slug]

    response = client.get(f"/series/{series.slug}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Every month on the first Thursday at 19:00 (Europe/Paris)" in html
    assert all(f'href="/events/{slug}"' in html for slug in slugs)
    assert html.count('badge--danger">Cancelled') == 1
    assert html.count(">Moved<") == 1
    assert "(planned for Thu" in html
    assert html.count(">Planned<") == 3
    assert f'href="/series/{series.slug}.ics"' in html
    assert "Log in</a> to follow" in html
    assert "Host tools" not in html and "Followers" not in html


def test_past_dates_are_listed_latest_first(app, client, make_series):
    long_ago = (utcnow() - timedelta(days=150)).replace(tzinfo=None)
    series = make_series(
        starts_local=long_ago.replace(hour=19, minute=0, second=0, microsecond=0),
        now=utcnow() - timedelta(days=151),
    )
    with app.app_context():
        made = occurrence_events(series.id)
        past = [event.slug for event in made if event.starts_at < utcnow()]
    assert len(past) >= 3

    html = client.get(f"/series/{series.slug}").get_data(as_text=True)

    past_part = html.split("Past dates", 1)[1]
    positions = [past_part.index(f'href="/events/{slug}"') for slug in past]
    assert positions == sorted(positions, reverse=True)


def test_a_community_series_names_its_community(
    app, client, make_user, make_community, make_series
):
    admin = make_user()
    community = make_community(admins=(admin,), name="Paris UX", slug="paris-ux")
    series = make_series(host=admin, community=community)
    html = client.get(f"/series/{series.slug}").get_data(as_text=True)
    assert '<a href="/communities/paris-ux">Paris UX</a>' in html


def test_no_such_series_is_a_404(client):
    assert client.get("/series/nothing-here").status_code == 404


def test_hosts_see_their_tools_and_the_follower_count(app, make_user, make_series):
    host = make_user()
    series = make_series(host=host)
    fan = make_user()
    signed_in(app, fan).submit(f"/series/{series.slug}/follow", {})

    html = signed_in(app, host).get(f"/series/{series.slug}").get_data(as_text=True)

    assert "Host tools" in html
    assert "<dt>Followers</dt><dd>1</dd>" in html
    assert "/edit" in html


def test_the_page_reads_a_constant_number_of_queries_whatever_its_dates(
    app, make_user, make_series, count_queries
):
    host = make_user()
    monthly = make_series(host=host)
    twice_a_week = make_series(
        host=host, schedule=schedule_of(frequency=Frequency.WEEKLY, nth_weekday=None,
                                        weekdays=(0, 3))
    )  # fmt: skip
    with app.app_context():
        few, many = len(occurrence_events(monthly.id)), len(occurrence_events(twice_a_week.id))
    assert many > few + 5
    client = signed_in(app, host)
    counts = []
    for series in (monthly, twice_a_week):
        client.get(f"/series/{series.slug}")  # warm: the session's first reads
        with count_queries() as counter:
            assert client.get(f"/series/{series.slug}").status_code == 200
        counts.append(len(counter.statements))
    assert counts[0] == counts[1]


# Who sees a members-only community's series, and who may follow it

VIEWERS = ("anonymous", "stranger", "attendee", "member", "host")
SEES = {"member", "host"}


@pytest.fixture
def members_series(app, make_user, make_community, make_member, make_series, reply):
    people = {name: make_user(display_name=name.title()) for name in VIEWERS[1:]}
    community = make_community(admins=(people["host"],), name="Paris UX", slug="paris-ux")
    make_member(community, people["member"])
    make_member(community, people["attendee"])
    series = make_series(host=people["host"], community=community, visibility="members")
    with app.app_context():
        first = occurrence_events(series.id)[0]
    # The attendee replied while a member, then was removed from the community.
    reply(people["attendee"], first)
    with app.app_context():
        row = db.session.get(CommunityMember, (community.id, people["attendee"].id))
        row.state = MembershipState.REMOVED
        db.session.commit()
    return series, people


def client_of(app, people, viewer):
    return app.test_client() if viewer == "anonymous" else signed_in(app, people[viewer])


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_members_only_series_is_seen_by_members_and_hosts_alone(app, members_series, viewer):
    series, people = members_series
    response = client_of(app, people, viewer).get(f"/series/{series.slug}")
    html = response.get_data(as_text=True)
    if viewer in SEES:
        assert response.status_code == 200
        assert series.title in html
    else:
        assert response.status_code == 403
        assert "Paris UX" in html  # the community to join
        assert "/events/" not in html.split("<main", 1)[-1]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_who_sees_a_members_only_series_may_follow_it(app, members_series, viewer):
    series, people = members_series
    client = client_of(app, people, viewer)
    if viewer == "anonymous":
        client.get("/")  # a session for the CSRF token
    response = client.post(
        f"/series/{series.slug}/follow", data={"csrf_token": client.csrf_token()}
    )

    with app.app_context():
        followers = set(db.session.scalars(select(SeriesFollower.user_id)))
    if viewer in SEES:
        assert response.status_code == 303
        assert followers == {people[viewer].id}
    else:
        assert response.status_code in (302, 403)
        assert followers == set()
        if viewer == "anonymous":
            assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("viewer", ("stranger", "member", "attendee"))
def test_only_its_admins_make_a_series_in_a_community(app, members_series, viewer):
    _series, people = members_series
    response = client_of(app, people, viewer).submit("/series/new", form(community="paris-ux"))
    assert response.status_code == 422
    assert "community you are an admin of" in response.get_data(as_text=True)


def test_dates_read_in_the_series_zone(app, client, make_series):
    series = make_series(starts_local=datetime(2030, 1, 3, 19, 0))
    html = client.get(f"/series/{series.slug}").get_data(as_text=True)
    assert "Thu 3 Jan 2030, 19:00–21:00 CET" in html


def test_its_host_ends_the_series_from_its_page_and_is_offered_no_follow_button(
    app, make_user, make_series
):
    host = make_user()
    series = make_series(host=host)
    client = app.test_client()
    sign_in(client, host)
    html = client.get(f"/series/{series.slug}").get_data(as_text=True)
    assert f'action="/series/{series.slug}/follow"' not in html
    assert f'action="/series/{series.slug}/end"' in html
    assert client.submit(f"/series/{series.slug}/end", {}).status_code == 303
    html = client.get(f"/series/{series.slug}").get_data(as_text=True)
    assert "This series has ended." in html
    assert f'action="/series/{series.slug}/end"' not in html
