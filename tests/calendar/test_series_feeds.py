"""A series' occurrences in every other calendar file: the personal feed,
the public and community feeds, the invitations by email. Each is its own
VEVENT with the series' UID and its RECURRENCE-ID (never a master, never a
date twice); the series' file is read as its page is; one calendar holding
the series and an invitation shows one entry per date (Radicale)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from meetup.extensions import db
from meetup.lib.schedules import Frequency
from meetup.models import Event
from meetup.models.types import utcnow
from meetup.services.calendar.invitations import invitation_file
from tests.calendar.readers import expand_all, read_all
from tests.calendar.series_data import cancel, move, occurrences
from tests.calendar.test_calendar_files import _personal_feed_url
from tests.plugins.app import sign_in
from tests.plugins.series import schedule_of

NOW = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)
FIRST = datetime(2027, 3, 4, 19, 0)  # a Thursday, 19:00 Paris


def _made_ids(app, series) -> list[int]:
    with app.app_context():
        return [event.id for event in occurrences(series.id)]


def _event(app, event_id: int) -> Event:
    with app.app_context():
        event = db.session.get(Event, event_id)
        db.session.refresh(event, ["series_link"])
        db.session.expunge_all()
        return event


def _recurrence_at(app, event_id: int) -> datetime:
    with app.app_context():
        return db.session.get(Event, event_id).series_link.recurrence_at


def test_an_invitation_for_an_occurrence_carries_the_series_uid_and_its_date(
    app, make_series, make_user, reply, outbox, tmp_path
):
    series = make_series(starts_local=FIRST, now=NOW)
    second = _made_ids(app, series)[1]
    person = make_user(email="pat@example.org", display_name="Pat")
    reply(person, _event(app, second))
    message = outbox.last("pat@example.org")
    assert message.calendar_method == "REQUEST"
    with app.app_context():
        text = invitation_file(
            message.context["invitation"], attendee_email="pat@example.org",
            attendee_name="Pat", alarm_minutes=None, now=utcnow(),
        )  # fmt: skip
    (seen,) = read_all(text.encode(), tmp_path)
    assert seen.uid == f"{series.uid}@meetup"
    assert seen.recurrence_id == _recurrence_at(app, second) == datetime(2027, 4, 1, 17, 0,
                                                                         tzinfo=UTC)  # fmt: skip
    assert seen.start == seen.recurrence_id
    # In UTC, like DTSTART: the invitation has no VTIMEZONE.
    assert "RECURRENCE-ID:20270401T170000Z" in text


def test_an_invitation_queued_before_the_series_scheme_still_builds(app):
    """Rows queued before RECURRENCE-ID existed have no such key."""
    from meetup.services.calendar.vevents import EventSnapshot

    old = {
        "uid": "x@meetup", "sequence": 0, "start": "2027-01-01T10:00:00+00:00",
        "end": "2027-01-01T11:00:00+00:00", "summary": "Old", "description": "",
        "location": "", "url": "http://localhost/e/x", "status": "CONFIRMED",
        "last_modified": "2026-12-01T10:00:00+00:00",
    }  # fmt: skip
    assert EventSnapshot.from_json(old).recurrence_id is None


def test_the_personal_feed_holds_each_occurrence_once_as_an_instance_of_the_series(
    app, make_series, make_user, reply, tmp_path
):
    series = make_series(starts_local=FIRST, now=NOW, online_url="https://meet.example.org/r")
    made = _made_ids(app, series)
    person = make_user()
    reply(person, _event(app, made[0]))
    reply(person, _event(app, made[1]))
    move(app, made[1], by=timedelta(hours=1))
    data = app.test_client().get(_personal_feed_url(app, person)).get_data()
    seen = read_all(data, tmp_path)
    assert [item.uid for item in seen] == [f"{series.uid}@meetup"] * 2
    assert [item.recurrence_id for item in seen] == [
        _recurrence_at(app, made[0]), _recurrence_at(app, made[1])
    ]  # fmt: skip
    # The moved one at its new time, its RECURRENCE-ID the scheduled start.
    assert seen[1].start == seen[1].recurrence_id + timedelta(hours=1)
    # People going have the link in their own feed (never in the series' file).
    assert all("https://meet.example.org/r" in item.location for item in seen)
    assert b"RRULE" not in data  # no master: each date once
    assert len(expand_all(data, datetime(2030, 1, 1, tzinfo=UTC), tmp_path)) == 2


def test_the_public_feed_lists_occurrences_without_a_master(app, make_series, tmp_path):
    series = make_series(starts_local=FIRST, now=NOW)
    made = _made_ids(app, series)
    cancel(app, made[2])
    data = app.test_client().get("/calendar/events.ics").get_data()
    seen = [item for item in read_all(data, tmp_path) if item.uid == f"{series.uid}@meetup"]
    assert [item.recurrence_id for item in seen] == [_recurrence_at(app, i) for i in made]
    assert [item.status for item in seen] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert b"RRULE" not in data


def test_a_community_feed_lists_its_series_occurrences(
    app, make_series, make_community, make_user, tmp_path
):
    host = make_user()
    community = make_community(admins=(host,))
    series = make_series(host=host, community=community, starts_local=FIRST, now=NOW)
    data = app.test_client().get(f"/communities/{community.slug}/events.ics").get_data()
    seen = read_all(data, tmp_path)
    assert {item.uid for item in seen} == {f"{series.uid}@meetup"}
    assert len(seen) == len({item.recurrence_id for item in seen}) == 3


def test_a_feed_loads_the_series_of_its_occurrences_in_one_statement(
    app, make_series, make_user, count_queries
):
    """The statements of a feed's first build do not grow with its occurrences."""
    few, many = make_user(), make_user()
    make_series(host=few, starts_local=FIRST, now=NOW)  # three dates
    weekly = schedule_of(frequency=Frequency.WEEKLY, weekdays=(3,), nth_weekday=None)
    make_series(host=many, starts_local=FIRST, now=NOW, schedule=weekly)  # nine
    client = app.test_client()
    counts = []
    for host in (few, many):
        with count_queries() as counter:
            data = client.get(f"/people/{host.id}/calendar.ics").get_data()
        counts.append(counter.count)
        assert data.count(b"RECURRENCE-ID") >= 3
    assert data.count(b"RECURRENCE-ID") > 3
    assert counts[0] == counts[1]


def test_the_series_file_answers_304_until_an_occurrence_changes(app, make_series):
    series = make_series(starts_local=FIRST, now=NOW)
    client = app.test_client()
    first = client.get(f"/series/{series.slug}.ics")
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public")
    etag = first.headers["ETag"]
    assert client.get(f"/series/{series.slug}.ics", headers={"If-None-Match": etag}
                      ).status_code == 304  # fmt: skip
    cancel(app, _made_ids(app, series)[1])
    changed = client.get(f"/series/{series.slug}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"EXDATE;TZID=Europe/Paris:20270401T190000" in changed.get_data()


def test_the_series_file_never_holds_the_online_link_even_for_its_host(app, make_series, make_user):
    host = make_user()
    series = make_series(host=host, starts_local=FIRST, now=NOW,
                         online_url="https://meet.example.org/secret")  # fmt: skip
    client = app.test_client()
    sign_in(client, host)
    data = client.get(f"/series/{series.slug}.ics").get_data(as_text=True)
    assert "meet.example.org/secret" not in data.replace("\r\n ", "")
    assert "Online (link on the event page)" in data.replace("\r\n ", "")


def test_a_members_only_series_file_is_for_members(
    app, make_series, make_community, make_member, make_user
):
    host = make_user()
    community = make_community(admins=(host,))
    series = make_series(host=host, community=community, starts_local=FIRST, now=NOW,
                         visibility="members")  # fmt: skip
    member, outsider = make_user(), make_user()
    make_member(community, member)
    url = f"/series/{series.slug}.ics"
    assert app.test_client().get(url).status_code in (403, 404)
    client = app.test_client()
    sign_in(client, outsider)
    assert client.get(url).status_code in (403, 404)
    client = app.test_client()
    sign_in(client, member)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")


def test_no_such_series_file_is_a_404(app):
    assert app.test_client().get("/series/nothing-here.ics").status_code == 404


def test_one_calendar_with_the_series_and_an_invitation_shows_one_entry_per_date(
    app, make_series, make_user, reply, outbox, caldav, tmp_path
):
    """The UID scheme at work in a CalDAV server: the invitation for one
    occurrence is the same calendar object as the series (same UID), so the
    server will not keep it beside the series; the client files it in the
    series' object as that date's override, and each date is one entry."""
    series = make_series(starts_local=FIRST, now=NOW)
    second = _made_ids(app, series)[1]
    person = make_user(email="sam@example.org", display_name="Sam")
    reply(person, _event(app, second))
    series_data = app.test_client().get(f"/series/{series.slug}.ics").get_data()
    with app.app_context():
        invitation = invitation_file(
            outbox.last("sam@example.org").context["invitation"],
            attendee_email="sam@example.org", attendee_name="Sam", alarm_minutes=None,
            now=utcnow(),
        )  # fmt: skip
    collection = f"{caldav.home}cal/"
    assert caldav.request("MKCALENDAR", collection)[0] == 201
    headers = {"Content-Type": "text/calendar; charset=utf-8"}
    assert caldav.request("PUT", f"{collection}series.ics", series_data, headers)[0] == 201
    # Stored apart (as a file of its own, METHOD dropped), the server refuses a second object
    # with the series' UID: a calendar cannot hold the date twice.
    alone = icalendar.Calendar.from_ical(invitation)
    del alone["METHOD"]
    status, _ = caldav.request("PUT", f"{collection}invitation.ics", alone.to_ical(), headers)
    assert status >= 400
    # Filed as the client does: the invitation's VEVENT joins the series' object.
    merged = icalendar.Calendar.from_ical(series_data)
    merged.add_component(alone.walk("VEVENT")[0])
    assert caldav.request("PUT", f"{collection}series.ics", merged.to_ical(), headers)[0] == 204
    status, stored = caldav.request("GET", f"{collection}series.ics")
    assert status == 200
    until = datetime(2029, 3, 1, tzinfo=UTC)
    seen = expand_all(stored, until, tmp_path)
    starts = [item.start for item in seen]
    assert len(starts) == len(set(starts)) == 24  # one entry per date, two years of them
    assert _recurrence_at(app, second) in starts


def test_an_occurrences_download_is_that_date_of_the_series(app, make_series, tmp_path):
    series = make_series(starts_local=FIRST, now=NOW)
    second = _event(app, _made_ids(app, series)[1])
    client = app.test_client()
    for _ in range(2):  # built, then from its stored entry
        (seen,) = read_all(client.get(f"/events/{second.slug}/calendar.ics").get_data(), tmp_path)
        assert seen.uid == f"{series.uid}@meetup"
        assert seen.recurrence_id == _recurrence_at(app, second.id)


def test_the_series_file_costs_the_same_statements_however_many_occurrences(
    app, make_series, count_queries
):
    monthly = make_series(starts_local=FIRST, now=NOW)  # three dates made
    weekly = make_series(
        starts_local=FIRST, now=NOW,
        schedule=schedule_of(frequency=Frequency.WEEKLY, weekdays=(3,), nth_weekday=None),
    )  # fmt: skip
    client = app.test_client()
    counts = []
    for series in (monthly, weekly):
        for event_id in _made_ids(app, series)[1:3]:
            move(app, event_id, by=timedelta(hours=1))  # overrides to build
        with count_queries() as counter:
            assert client.get(f"/series/{series.slug}.ics").status_code == 200
        counts.append(counter.count)
    assert len(_made_ids(app, weekly)) > len(_made_ids(app, monthly))
    assert counts[0] == counts[1]
