"""Editing an occurrence on the event form ("this occurrence", or "this and
following"), cancelling one date, and ending a series: through the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import (
    Event,
    EventHost,
    EventStatus,
    HostRole,
    Series,
    SeriesFollower,
    SeriesOccurrence,
    SeriesStatus,
)
from meetup.services.series.occurrences import fill_series
from tests.plugins.app import sign_in
from tests.plugins.series import detached_occurrences

PARIS = ZoneInfo("Europe/Paris")


def form_of(event: Event, **changes: str) -> dict[str, str]:
    """The edit form as the page fills it for `event`, with `changes`."""
    local = event.starts_at.astimezone(PARIS)
    end = event.ends_at.astimezone(PARIS)
    values = {
        "title": event.title,
        "description": "",
        "timezone": "Europe/Paris",
        "starts_at": f"{local:%Y-%m-%dT%H:%M}",
        "ends_at": f"{end:%Y-%m-%dT%H:%M}",
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "online_url": "",
        "capacity": "",
        "rsvp_deadline": "",
        "topics": "",
        "visibility": "public",
        "directory_visibility": "attendees",
        "community": "",
        **changes,
    }
    return values


def later(event: Event, minutes: int) -> dict[str, str]:
    local = event.starts_at.astimezone(PARIS) + timedelta(minutes=minutes)
    end = event.ends_at.astimezone(PARIS) + timedelta(minutes=minutes)
    return {"starts_at": f"{local:%Y-%m-%dT%H:%M}", "ends_at": f"{end:%Y-%m-%dT%H:%M}"}


def signed_in(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def test_only_an_occurrence_s_form_offers_the_two_scopes(app, make_series, make_event):
    series = make_series()
    first = detached_occurrences(app, series.id)[0]
    with app.app_context():
        host = db.session.get(Event, first.id).created_by
        db.session.expunge(host)
    client = signed_in(app, host)
    page = client.get(f"/events/{first.slug}/edit").get_data(as_text=True)
    assert 'name="scope"' in page and "This and the following ones" in page
    plain = make_event(creator=host)
    assert 'name="scope"' not in client.get(f"/events/{plain.slug}/edit").get_data(as_text=True)


def test_this_occurrence_changes_it_alone_and_it_is_no_longer_the_template(
    app, make_series, make_user, reply, outbox
):
    series = make_series()
    made = detached_occurrences(app, series.id)
    person = make_user()
    reply(person, made[1])
    with app.app_context():
        host = db.session.get(Event, made[1].id).created_by
    client = signed_in(app, host)
    response = client.submit(
        f"/events/{made[1].slug}/edit",
        form_of(made[1], scope="this", venue_name="The roof", **later(made[1], 30)),
    )
    assert response.status_code == 303
    after = detached_occurrences(app, series.id)
    assert [event.venue_name for event in after] == ["Station F", "The roof", "Station F"]
    assert after[1].starts_at == made[1].starts_at + timedelta(minutes=30)
    with app.app_context():
        link = db.session.get(SeriesOccurrence, made[1].id)
        assert link.is_detached
        assert link.recurrence_at == made[1].starts_at  # its RECURRENCE-ID stays
        assert db.session.scalar(select(func.count()).select_from(Series)) == 1
    assert any(person.email in message.recipient for message in outbox.messages())


def test_this_and_following_on_the_form_splits_the_series(
    app, make_series, make_user, reply, outbox
):
    series = make_series()
    made = detached_occurrences(app, series.id)
    person, follower = make_user(), make_user()
    reply(person, made[2])
    with app.app_context():
        db.session.add(SeriesFollower(series_id=series.id, user_id=follower.id))
        db.session.commit()
        host = db.session.get(Event, made[1].id).created_by
    before = len(outbox.messages(person.email))
    client = signed_in(app, host)
    response = client.submit(
        f"/events/{made[1].slug}/edit", form_of(made[1], scope="following", **later(made[1], 30))
    )
    assert response.status_code == 303
    with app.app_context():
        new = db.session.scalar(select(Series).where(Series.continued_from_id == series.id))
        assert new is not None and new.created_by_id == host.id
        new_id = new.id
    moved = detached_occurrences(app, new_id)
    assert [event.id for event in moved[:2]] == [made[1].id, made[2].id]
    assert [event.starts_at for event in moved[:2]] == [
        event.starts_at + timedelta(minutes=30) for event in made[1:]
    ]
    # The person going to a later date hears of its new time, as for any change.
    assert len(outbox.messages(person.email)) == before + 1
    with app.app_context():
        # Followers of the series follow its continuation.
        assert db.session.get(SeriesFollower, (new_id, follower.id)) is not None


def test_bad_input_is_refused_at_its_field_and_nothing_changes(app, make_series):
    series = make_series()
    made = detached_occurrences(app, series.id)
    with app.app_context():
        host = db.session.get(Event, made[1].id).created_by
    client = signed_in(app, host)
    url = f"/events/{made[1].slug}/edit"
    response = client.submit(url, form_of(made[1], scope="every other week"))
    assert response.status_code == 422
    assert "Choose this occurrence, or this and the following ones." in response.get_data(
        as_text=True
    )
    response = client.submit(url, form_of(made[1], scope="following", timezone="Mars/Olympus"))
    assert response.status_code == 422
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Series)) == 1
    after = detached_occurrences(app, series.id)
    assert [(e.id, e.starts_at) for e in after] == [(e.id, e.starts_at) for e in made]


@pytest.mark.parametrize("scope", ["this", "following"])
def test_who_may_edit_an_occurrence(
    app, scope, make_series, make_user, make_community, make_member, reply
):
    host = make_user()
    community = make_community(admins=(host,))
    series = make_series(host=host, community=community)
    made = detached_occurrences(app, series.id)
    member, attendee, other_cohost = make_user(), make_user(), make_user()
    make_member(community, member)
    reply(attendee, made[1])
    with app.app_context():
        db.session.add(
            EventHost(event_id=made[0].id, user_id=other_cohost.id, role=HostRole.COHOST)
        )
        db.session.commit()
    url = f"/events/{made[1].slug}/edit"
    data = form_of(made[1], scope=scope, community=community.slug, **later(made[1], 15))
    clients = {
        "anonymous": app.test_client(),
        "member": signed_in(app, member),
        "attendee": signed_in(app, attendee),
        "cohost of another occurrence": signed_in(app, other_cohost),
        "host": signed_in(app, host),
    }
    got = {who: client.submit(url, data).status_code for who, client in clients.items()}
    assert got == {
        "anonymous": 302,
        "member": 403,
        "attendee": 403,
        "cohost of another occurrence": 403,
        "host": 303,
    }


def test_cancelling_an_occurrence_cancels_that_date_only_and_it_is_never_made_again(
    app, make_series
):
    series = make_series()
    made = detached_occurrences(app, series.id)
    with app.app_context():
        host = db.session.get(Event, made[1].id).created_by
    client = signed_in(app, host)
    page = client.get(f"/events/{made[1].slug}/cancel").get_data(as_text=True)
    assert "This cancels this date only: the series goes on" in page
    assert client.submit(f"/events/{made[1].slug}/cancel", {"message": ""}).status_code == 303
    after = detached_occurrences(app, series.id)
    assert [event.status for event in after[:3]] == [
        EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.PUBLISHED,
    ]  # fmt: skip
    with app.app_context():
        row = db.session.get(Series, series.id)
        # The job runs again, later: the cancelled date is its EXDATE, not a gap to fill.
        for days in (0, 40, 70):
            fill_series(row, now=datetime.now(UTC) + timedelta(days=days))
        db.session.commit()
        on_that_date = db.session.scalar(
            select(func.count())
            .select_from(SeriesOccurrence)
            .where(SeriesOccurrence.recurrence_at == made[1].starts_at)
        )
        assert on_that_date == 1
    assert detached_occurrences(app, series.id)[1].id == made[1].id


def test_a_host_ends_a_series_and_the_job_makes_no_more(app, make_series, make_user):
    series = make_series()
    made = detached_occurrences(app, series.id)
    with app.app_context():
        host = db.session.get(Event, made[0].id).created_by
    url = f"/series/{series.slug}/end"
    assert app.test_client().submit(url, {}).status_code == 302
    assert signed_in(app, make_user()).submit(url, {}).status_code == 403
    client = signed_in(app, host)
    page = client.get(f"/events/{made[0].slug}").get_data(as_text=True)
    assert f'action="{url}"' in page
    assert client.submit(url, {}).status_code == 303
    with app.app_context():
        row = db.session.get(Series, series.id)
        assert row.status == SeriesStatus.ENDED and row.sequence == 1
        assert row.until == made[-1].starts_at.astimezone(PARIS).date()
        assert fill_series(row, now=datetime.now(UTC) + timedelta(days=200)) == []
    assert [event.id for event in detached_occurrences(app, series.id)] == [
        event.id for event in made
    ]
    assert f'action="{url}"' not in client.get(f"/events/{made[0].slug}").get_data(as_text=True)
