"""Calendar files and feeds, read by icalendar, vobject and ical.js, and
stored by a real CalDAV server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar

from meetup.extensions import db
from meetup.models import Event, User
from meetup.models.types import utcnow
from meetup.services.calendar import feeds
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from tests.calendar.readers import read_all
from tests.plugins.app import sign_in

YEAR = utcnow().year + 1
MINUTE = timedelta(minutes=1)

# (zone, local start, hours): winter and summer in three zones, and one night
# over Berlin's spring-forward (28 March: 02:00 becomes 03:00).
CASES = [
    ("America/New_York", datetime(YEAR, 1, 14, 18, 30), 2),
    ("America/New_York", datetime(YEAR, 7, 14, 18, 30), 2),
    ("Asia/Kolkata", datetime(YEAR, 1, 20, 19, 0), 3),
    ("Asia/Kolkata", datetime(YEAR, 7, 20, 19, 0), 3),
    ("Europe/Berlin", datetime(YEAR, 1, 9, 9, 0), 8),
    ("Europe/Berlin", datetime(YEAR, 7, 9, 9, 0), 8),
    ("Europe/Berlin", datetime(YEAR, 3, 27, 22, 0), 8),  # spans the DST change
]


def _utc(zone: str, local: datetime) -> datetime:
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_times_land_right_in_every_reader(app, make_user, make_event, tmp_path):
    host = make_user()
    made = []
    for number, (zone, local, hours) in enumerate(CASES):
        event = make_event(
            creator=host, title=f"Case {number} in {zone}", timezone=zone, starts_local=local,
            ends_local=local + timedelta(hours=hours),
        )  # fmt: skip
        made.append((event, zone, local, hours))
    client = app.test_client()
    data = client.get(f"/people/{host.id}/calendar.ics").get_data()
    seen = {item.summary: item for item in read_all(data, tmp_path)}
    for event, zone, local, hours in made:
        item = seen[event.title]
        assert item.start == _utc(zone, local)
        # Wall-clock hours later; over the DST change that is one hour less of real time.
        assert item.end == _utc(zone, local + timedelta(hours=hours))
        assert item.uid == f"{event.uid}@meetup"
    dst_night = seen["Case 6 in Europe/Berlin"]
    assert dst_night.end - dst_night.start == timedelta(hours=7)


def test_the_event_file_has_everything_a_calendar_needs(app, make_user, make_event, tmp_path):
    event = make_event(
        title="Café, croissants; and \\ backslashes — déjà vu",
        venue_name="Le Comptoir; salle 2", venue_address="5 rue de l'Été,\n75011 Paris",
        description="Line one\n\nA [link](https://example.org) and **bold**.",
        topics=["python", "design"], online_url="https://meet.example.org/secret-room",
    )  # fmt: skip
    response = app.test_client().get(
        f"/events/{event.slug}/calendar.ics", headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.ics"')
    data = response.get_data()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never splits a character
    calendar = icalendar.Calendar.from_ical(data)
    assert "METHOD" not in calendar
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Café, croissants; and \\ backslashes — déjà vu"
    assert "Le Comptoir; salle 2" in str(vevent["LOCATION"])
    assert "secret-room" not in data.decode()  # not going: no online link
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert int(vevent["SEQUENCE"]) == 0
    assert set(vevent["CATEGORIES"].cats) == {"python", "design"}
    description = str(vevent["DESCRIPTION"])
    assert "Line one" in description and "(Europe/Paris)" in description
    assert description.rstrip().endswith(f"/events/{event.slug}")
    assert "LAST-MODIFIED" in vevent and "DTSTAMP" in vevent and "URL" in vevent
    unfolded = data.replace(b"\r\n ", b"")
    assert "SUMMARY:Café\\, croissants\\; and \\\\ backslashes".encode() in unfolded
    (seen,) = read_all(data, tmp_path)
    assert seen.summary == str(vevent["SUMMARY"])


def test_people_going_get_the_online_link_in_their_file(app, make_event, make_user, reply):
    event = make_event(online_url="https://meet.example.org/room")
    person = make_user()
    reply(person, event)
    client = app.test_client()
    sign_in(client, person)
    data = client.get(f"/events/{event.slug}/calendar.ics").get_data(as_text=True)
    assert "https://meet.example.org/room" in data.replace("\r\n ", "")


def test_every_event_is_stored_and_found_by_a_caldav_server(
    app, make_user, make_event, caldav, tmp_path
):
    host = make_user()
    for zone, local, hours in CASES[:4]:
        make_event(creator=host, timezone=zone, starts_local=local,
                   ends_local=local + timedelta(hours=hours), title=f"In {zone}")  # fmt: skip
    data = app.test_client().get(f"/people/{host.id}/calendar.ics").get_data()
    feed = icalendar.Calendar.from_ical(data)
    status, _ = caldav.request("MKCALENDAR", f"{caldav.home}meetup/")
    assert status == 201
    for vevent in feed.walk("VEVENT"):
        single = icalendar.Calendar()
        for name in ("PRODID", "VERSION"):
            single.add(name, feed[name])
        single.add_component(vevent)
        uid = str(vevent["UID"]).split("@")[0]  # the resource's name in the collection
        status, body = caldav.request(
            "PUT", f"{caldav.home}meetup/{uid}.ics", single.to_ical(),
            {"Content-Type": "text/calendar; charset=utf-8"},
        )  # fmt: skip
        assert status == 201, body
        status, stored = caldav.request("GET", f"{caldav.home}meetup/{uid}.ics")
        assert status == 200
        back = icalendar.Calendar.from_ical(stored).walk("VEVENT")[0]
        start = vevent.decoded("DTSTART")
        assert back.decoded("DTSTART") == start
        query = f"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{start + MINUTE:%Y%m%dT%H%M%SZ}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""
        status, found = caldav.request(
            "REPORT", f"{caldav.home}meetup/", query,
            {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        )  # fmt: skip
        assert status == 207
        assert f"{caldav.home}meetup/{uid}.ics".encode() in found


def _personal_feed_url(app, person) -> str:
    client = app.test_client()
    sign_in(client, person)
    html = client.get("/account/calendar").get_data(as_text=True)
    match = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', html)
    assert match, "no feed address on the settings page"
    assert 'href="webcal://localhost/calendar/' in html
    return match.group(1)


def test_the_personal_feed_holds_my_events_and_nothing_else(
    app, make_user, make_event, reply, tmp_path
):
    person, host = make_user(), make_user()
    going = make_event(creator=host, title="Going", online_url="https://meet.example.org/g")
    full = make_event(creator=host, title="Waiting", capacity=1)
    reply(make_user(), full)
    make_event(creator=person, title="Hosting")
    draft = make_event(creator=person, title="My draft", publish=False)
    unlisted = make_event(creator=host, title="Unlisted elsewhere", visibility="unlisted")
    other = make_event(creator=host, title="Not mine", online_url="https://meet.example.org/x")
    reply(person, going), reply(person, full)
    url = _personal_feed_url(app, person)
    response = app.test_client().get(url)
    assert response.headers["Cache-Control"].startswith("private")
    seen = {item.summary: item for item in read_all(response.get_data(), tmp_path)}
    assert set(seen) == {"Going", "Waiting", "Hosting"}
    assert seen["Waiting"].status == "TENTATIVE" and seen["Going"].status == "CONFIRMED"
    assert "https://meet.example.org/g" in seen["Going"].location
    data = response.get_data(as_text=True).replace("\r\n ", "")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data and "X-PUBLISHED-TTL:PT1H" in data
    for absent in (draft, unlisted, other):
        assert absent.title not in data
    assert "meet.example.org/x" not in data


def test_an_rsvp_change_shows_on_the_next_fetch_and_304_until_then(
    app, make_user, make_event, reply
):
    person = make_user()
    event = make_event(title="Maybe")
    url = _personal_feed_url(app, person)
    client = app.test_client()
    first = client.get(url)
    assert "Maybe" not in first.get_data(as_text=True)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    reply(person, event)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Maybe" in changed.get_data(as_text=True)


def test_a_wrong_or_revoked_token_is_a_404(app, make_user):
    person = make_user()
    url = _personal_feed_url(app, person)
    client = app.test_client()
    assert client.get(url).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    owner = app.test_client()
    sign_in(owner, person)
    owner.submit("/account/calendar", {})
    assert client.get(url).status_code == 404
    assert _personal_feed_url(app, person) != url


def test_public_feeds_keep_cancelled_and_recent_events_and_hide_the_rest(
    app, make_user, make_event, tmp_path
):
    host = make_user()
    kept = make_event(creator=host, title="Kept", topics=["python"])
    cancelled = make_event(creator=host, title="Called off", topics=["python"])
    make_event(creator=host, title="Secret", visibility="unlisted", topics=["python"])
    make_event(creator=host, title="Draft", publish=False, topics=["python"])
    with app.app_context():
        lifecycle.cancel_event(db.session.get(User, host.id), db.session.get(Event, cancelled.id))
        old = make_past(app, host, "Long ago", weeks=8)
        recent = make_past(app, host, "Last week", weeks=1)
    client = app.test_client()
    for url in ("/calendar/events.ics", "/topics/python/calendar.ics",
                f"/people/{host.id}/calendar.ics"):  # fmt: skip
        response = client.get(url)
        assert response.headers["Cache-Control"].startswith("public")
        seen = {item.summary: item for item in read_all(response.get_data(), tmp_path)}
        assert {"Kept", "Called off"} <= set(seen), url
        assert seen["Called off"].status == "CANCELLED"
        assert not {"Secret", "Draft", old} & set(seen), url
        if "topics" not in url:
            assert recent in seen
    assert kept.title == "Kept"


def make_past(app, host, title: str, *, weeks: int) -> str:
    """An event that happened `weeks` ago (moved back after publishing)."""
    actor = db.session.get(User, host.id)
    start = (utcnow() + timedelta(days=2)).replace(tzinfo=None, second=0, microsecond=0)
    event = lifecycle.create_event(
        actor, event_details.EventDetails(title=title, timezone="UTC", starts_local=start,
                                   ends_local=start + timedelta(hours=1), venue_name="Room"),
    ).event  # fmt: skip
    lifecycle.publish_event(actor, event)
    event.starts_at -= timedelta(weeks=weeks, days=2)
    event.ends_at -= timedelta(weeks=weeks, days=2)
    db.session.commit()
    return title


def test_add_to_google_and_outlook_links_are_encoded(app, make_event):
    event = make_event(title="R&D night: 100% fun?", venue_name="Hall #2")
    html = app.test_client().get(f"/events/{event.slug}").get_data(as_text=True)
    links = re.findall(r'href="(https://[^"]*(?:google|outlook)[^"]*)"', html)
    assert len(links) == 2
    google, outlook = (urlsplit(link.replace("&amp;", "&")) for link in links)
    assert (google.netloc, outlook.netloc) == ("calendar.google.com", "outlook.cloud.microsoft")
    g, o = parse_qs(google.query), parse_qs(outlook.query)
    assert g["text"] == ["R&D night: 100% fun?"] and o["subject"] == ["R&D night: 100% fun?"]
    start, end = g["dates"][0].split("/")
    assert start == f"{event.starts_at:%Y%m%dT%H%M%SZ}" and end == f"{event.ends_at:%Y%m%dT%H%M%SZ}"
    assert o["startdt"] == [event.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert "Hall #2" in g["location"][0] and "Hall #2" in o["location"][0]


def test_feed_token_is_made_once_and_kept(app, make_user):
    person = make_user()
    with app.app_context():
        user = db.session.get(User, person.id)
        token = feeds.feed_token(user)
        assert feeds.feed_token(user) == token
        assert feeds.regenerate_feed_token(user) != token


def test_an_unchanged_feed_answers_304_in_the_same_few_queries(
    app, make_user, make_event, reply, count_queries
):
    person = make_user()
    url = _personal_feed_url(app, person)
    client = app.test_client()

    def revalidate() -> int:
        etag = client.get(url).headers["ETag"]
        with count_queries() as queries:
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        return queries.count

    reply(person, make_event())
    few = revalidate()
    for _ in range(10):
        reply(person, make_event(topics=["python", "design"]))
    assert revalidate() == few == 1  # one statement: the reader and their events' versions
