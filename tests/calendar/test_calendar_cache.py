"""The stored VEVENTs (services.calendar.entries): every file is what the
icalendar builder makes of the event as it is now, for that reader, whatever
was stored before; and a feed costs the same few queries however many events
it holds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar, vDuration
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.urls import external_url
from meetup.models import Event, EventCalendarEntry, EventStatus, RsvpStatus, User
from meetup.models.types import utcnow
from meetup.services.calendar import ical, vevents
from meetup.services.hosting import lifecycle
from tests.plugins.app import sign_in

YEAR = utcnow().year + 1
ONLINE = "https://meet.example.org/private-room"
FORM = {
    "title": "Founders breakfast",
    "description": "Coffee and **introductions**.",
    "timezone": "Europe/Paris",
    "starts_at": f"{YEAR}-06-10T08:00",
    "ends_at": f"{YEAR}-06-10T10:00",
    "venue_name": "Station F",
    "venue_address": "5 Parvis Alan Turing, Paris",
    "online_url": ONLINE,
    "capacity": "1",
    "rsvp_deadline": "",
    "topics": "startups, fundraising",
    "visibility": "public",
    "directory_visibility": "attendees",
}
# What a host can change that the file shows, and how it shows it.
EDITS = {
    "title": ({"title": "Founders lunch"}, "SUMMARY:Founders lunch"),
    "description": ({"description": "Bring **cards**."}, "Bring cards."),
    "starts_at": ({"starts_at": f"{YEAR}-06-10T07:00"}, f"DTSTART:{YEAR}0610T050000Z"),
    "ends_at": ({"ends_at": f"{YEAR}-06-10T11:00"}, f"DTEND:{YEAR}0610T090000Z"),
    "timezone": ({"timezone": "Europe/London"}, f"DTSTART:{YEAR}0610T070000Z"),
    "venue_name": ({"venue_name": "La Felicità"}, "La Felicità"),
    "venue_address": ({"venue_address": "1 rue Ada Lovelace"}, "1 rue Ada Lovelace"),
    "online_url": ({"online_url": "https://meet.example.org/new-room"}, "new-room"),
    "topics": ({"topics": "startups, hiring"}, "CATEGORIES:hiring,startups"),
    "cancel": (None, "STATUS:CANCELLED"),
}
READERS = ("host", "attendee", "waitlisted", "stranger")


def _vevent_of(data: bytes, uid: str) -> bytes:
    """The VEVENT of `uid` in a file, as it was sent."""
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, re.S):
        if f"\r\nUID:{uid}\r\n".encode() in block:
            return block
    raise AssertionError(f"no VEVENT {uid}")


def _stamp(data: bytes) -> datetime:
    found = re.search(rb"\r\nDTSTAMP:(\d{8}T\d{6})Z\r\n", data)
    assert found, "no DTSTAMP"
    return datetime.strptime(found.group(1).decode(), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)


def _built(app, slug: str, *, reply: RsvpStatus | None, hosting: bool, alarm: int | None,
           now: datetime) -> bytes:  # fmt: skip
    """The VEVENT as icalendar builds it now, from the event as it is now
    (what every file held before entries were stored)."""
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        entry = ical.entry_for(event, rsvp_status=reply, is_host=hosting, alarm_minutes=alarm)
        status = "TENTATIVE" if entry.tentative else "CONFIRMED"
        snapshot = vevents.snapshot_of(
            event,
            url=external_url("events.detail", slug=slug),
            shows_online_link=entry.shows_online_link,
            status="CANCELLED" if event.status == EventStatus.CANCELLED else status,
        )
        return vevents.vevent(snapshot, now=now, alarm_minutes=alarm).to_ical()


@pytest.fixture
def world(app, make_user, make_event, reply):
    """One event seen by its host (reminder 15 minutes before), the person
    going (no reminder), the person waitlisted (reminder a day before) and a
    stranger; each with their signed-in client and their feed's URL."""
    host, attendee, waitlisted, stranger = make_user(), make_user(), make_user(), make_user()
    details = {**FORM, "capacity": 1, "topics": ["startups", "fundraising"]}
    for name in ("starts_at", "ends_at"):
        details[name.replace("_at", "_local")] = datetime.fromisoformat(details.pop(name))
    del details["rsvp_deadline"], details["directory_visibility"]
    event = make_event(creator=host, **details)
    assert reply(attendee, event).status == RsvpStatus.GOING
    assert reply(waitlisted, event).status == RsvpStatus.WAITLISTED
    people = {"host": host, "attendee": attendee, "waitlisted": waitlisted, "stranger": stranger}
    views = {"host": (None, True, 15), "attendee": (RsvpStatus.GOING, False, None),
             "waitlisted": (RsvpStatus.WAITLISTED, False, 24 * 60),
             "stranger": (None, False, None)}  # fmt: skip
    clients, feeds = {}, {}
    for name, person in people.items():
        clients[name] = client = app.test_client()
        sign_in(client, person)
        minutes = views[name][2]
        client.submit("/account/calendar/reminder", {"alarm_minutes": str(minutes or "")})
        html = client.get("/account/calendar").get_data(as_text=True)
        feeds[name] = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', html).group(1)
    feeds["stranger"] = "/calendar/events.ics"  # theirs holds nothing: the public one
    return {"event": event, "clients": clients, "feeds": feeds, "views": views}


def _files(app, world, reader: str) -> list[bytes]:
    """The reader's download and feed (each fetched twice: built, then stored)."""
    client, slug = world["clients"][reader], world["event"].slug
    got = []
    for url in (f"/events/{slug}/calendar.ics", world["feeds"][reader]):
        first = client.get(url)
        again = client.get(url)
        assert first.status_code == again.status_code == 200, url
        for response in (first, again):
            got.append(response.get_data())
    return got


def _assert_current(app, world, reader: str) -> list[bytes]:
    reply, hosting, alarm = world["views"][reader]
    files = _files(app, world, reader)
    for data in files:
        built = _built(app, world["event"].slug, reply=reply, hosting=hosting, alarm=alarm,
                       now=_stamp(data))  # fmt: skip
        assert _vevent_of(data, world["event"].ical_uid) == built, reader
    return files


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("field", EDITS)
def test_every_change_the_file_shows_reaches_every_reader(app, world, field, reader):
    before = _assert_current(app, world, reader)  # stored for this reader's variant
    for other in READERS:
        _files(app, world, other)  # and for every other variant
    feed, client = world["feeds"][reader], world["clients"][reader]
    etag = client.get(feed).headers["ETag"]
    assert client.get(feed, headers={"If-None-Match": etag}).status_code == 304
    change, shown = EDITS[field]
    host, slug = world["clients"]["host"], world["event"].slug
    if change is None:
        response = host.submit(f"/events/{slug}/cancel", {"message": "Flooded."})
    else:
        response = host.submit(f"/events/{slug}/edit", {**FORM, **change})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    after = _assert_current(app, world, reader)
    for data in after:
        unfolded = data.replace(b"\r\n ", b"").decode()
        sees_link = reader in ("host", "attendee")
        if field == "online_url" and not sees_link:
            shown = "Online (link on the event page)"
        assert shown in unfolded, (field, reader)
        assert ("new-room" in unfolded or ONLINE in unfolded) is sees_link
    assert after[0] != before[0]
    assert client.get(feed, headers={"If-None-Match": etag}).status_code == 200  # not stale


def test_an_rsvp_change_moves_the_reader_to_another_variant(app, world):
    """The person going leaves: the waitlisted person gets the seat, and with
    it a confirmed entry and the online link, in both their files."""
    waitlisted = world["clients"]["waitlisted"]
    before = _files(app, world, "waitlisted")
    etag = waitlisted.get(world["feeds"]["waitlisted"]).headers["ETag"]
    assert all(ONLINE.encode() not in data.replace(b"\r\n ", b"") for data in before)
    assert all(b"STATUS:TENTATIVE" in data for data in before)
    page = f"/events/{world['event'].slug}"
    left = world["clients"]["attendee"].submit(f"{page}/rsvp", {"response": "not_going"})
    assert left.status_code == 303
    world["views"]["waitlisted"] = (RsvpStatus.GOING, False, 24 * 60)
    for data in _assert_current(app, world, "waitlisted"):
        assert ONLINE.encode() in data.replace(b"\r\n ", b"") and b"STATUS:CONFIRMED" in data
    revalidated = waitlisted.get(world["feeds"]["waitlisted"], headers={"If-None-Match": etag})
    assert revalidated.status_code == 200


def test_a_reminder_change_is_spliced_without_a_build(app, world, count_queries):
    host = world["clients"]["host"]
    _assert_current(app, world, "host")
    etag = host.get(world["feeds"]["host"]).headers["ETag"]
    host.submit("/account/calendar/reminder", {"alarm_minutes": "60"})
    assert host.get(world["feeds"]["host"], headers={"If-None-Match": etag}).status_code == 200
    world["views"]["host"] = (None, True, 60)
    with count_queries() as queries:
        files = _assert_current(app, world, "host")
    assert all(b"TRIGGER:-PT1H\r\n" in data for data in files)
    assert not any("INSERT" in statement for statement in queries.statements)


def test_files_are_byte_for_byte_what_icalendar_builds(app, make_user, make_event, reply):
    """The whole feed, header and all, equals the calendar icalendar builds
    from the same events (DTSTAMP being the time of the answer)."""
    person, host = make_user(), make_user()
    events = [
        make_event(creator=host, title="Going, with a very long title " * 4, online_url=ONLINE,
                   topics=["python", "design"], description="Line one\n\n" + "long " * 40),
        make_event(creator=host, title="Waiting", capacity=1, online_url=ONLINE),
        make_event(creator=person, title="Hosting; café", online_url=ONLINE),
        make_event(creator=host, title="Called off"),
    ]  # fmt: skip
    reply(make_user(), events[1])
    reply(person, events[0]), reply(person, events[1]), reply(person, events[3])
    with app.app_context():
        called_off = db.session.get(Event, events[3].id)
        lifecycle.cancel_event(db.session.get(User, host.id), called_off)
        db.session.get(User, person.id).calendar_alarm_minutes = 15
        db.session.commit()
    client = app.test_client()
    sign_in(client, person)
    html = client.get("/account/calendar").get_data(as_text=True)
    url = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', html).group(1)
    views = [(RsvpStatus.GOING, False), (RsvpStatus.WAITLISTED, False), (None, True),
             (RsvpStatus.GOING, False)]  # fmt: skip
    for _ in range(2):  # built, then stored
        data = client.get(url).get_data()
        calendar = Calendar()
        calendar.add("prodid", vevents.PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        name = f"Meetup: {person.display_name}"
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", ical.FEED_TTL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(ical.FEED_TTL))
        head = calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n")
        body = b"".join(
            _built(app, event.slug, reply=reply_status, hosting=hosting, alarm=15, now=_stamp(data))
            for event, (reply_status, hosting) in zip(events, views, strict=True)
        )
        assert data == head + body + b"END:VCALENDAR\r\n"
        download = client.get(f"/events/{events[2].slug}/calendar.ics").get_data()
        built = _built(app, events[2].slug, reply=None, hosting=True, alarm=15,
                       now=_stamp(download))  # fmt: skip
        calendar = Calendar()
        calendar.add("prodid", vevents.PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        assert download == calendar.to_ical().removesuffix(b"END:VCALENDAR\r\n") + built + (
            b"END:VCALENDAR\r\n"
        )


def test_a_stale_entry_is_never_read(app, make_event):
    """An entry left from an older version (as a process that read the event
    before a change may still write it) is passed over, then replaced."""
    event = make_event(title="Before")
    client = app.test_client()
    client.get(f"/events/{event.slug}/calendar.ics")
    with app.app_context():
        stored = db.session.scalars(select(EventCalendarEntry)).all()
        assert [(entry.event_id, entry.variant) for entry in stored] == [(event.id, "confirmed")]
        entry = stored[0]
        entry.body = entry.body.replace("SUMMARY:Before", "SUMMARY:Stale")
        entry.sequence -= 1
        db.session.commit()
    data = client.get(f"/events/{event.slug}/calendar.ics").get_data()
    assert b"SUMMARY:Before" in data and b"Stale" not in data
    with app.app_context():
        (entry,) = db.session.scalars(select(EventCalendarEntry)).all()
        assert "Stale" not in entry.body and entry.sequence == event.sequence


def test_a_draft_is_never_served_from_a_stored_entry(app, make_user, make_event):
    host = make_user()
    draft = make_event(creator=host, publish=False)
    mine = app.test_client()
    sign_in(mine, host)
    url = f"/events/{draft.slug}/calendar.ics"
    assert mine.get(url).status_code == mine.get(url).status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(EventCalendarEntry)).all()
        assert stored  # the host's
        # Even one stored as a stranger would see it, were it ever written:
        db.session.add(EventCalendarEntry(
            event_id=stored[0].event_id, variant="confirmed", sequence=stored[0].sequence,
            updated_at=stored[0].updated_at, format=stored[0].format, body=stored[0].body,
            alarm=None))  # fmt: skip
        db.session.commit()
    assert app.test_client().get(url).status_code == 404
    stranger = app.test_client()
    sign_in(stranger, make_user())
    assert stranger.get(url).status_code == 404


def test_a_feed_costs_the_same_queries_for_2_or_12_events(
    app, make_user, make_event, reply, count_queries
):
    person = make_user()
    client = app.test_client()
    sign_in(client, person)
    html = client.get("/account/calendar").get_data(as_text=True)
    url = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', html).group(1)
    reader = app.test_client()

    def costs() -> tuple[int, int, int, int]:
        with app.app_context():
            db.session.execute(EventCalendarEntry.__table__.delete())
            db.session.commit()
        with count_queries() as cold:
            etag = reader.get(url).headers["ETag"]
        with count_queries() as warm:
            assert reader.get(url).headers["ETag"] == etag
        reader.get(f"/events/{last.slug}/calendar.ics")  # a stranger's variant: built
        with count_queries() as download:
            reader.get(f"/events/{last.slug}/calendar.ics")
        with count_queries() as unchanged:
            assert reader.get(url, headers={"If-None-Match": etag}).status_code == 304
        return cold.count, warm.count, download.count, unchanged.count

    for _ in range(2):
        last = make_event(topics=["python"])
        reply(person, last)
    few = costs()
    for _ in range(10):
        last = make_event(topics=["python", "design"])
        reply(person, last)
    assert costs() == few
    # Warm: the feed's version, its rows and its entries; a stranger's
    # download; a 304 from the version alone.
    assert few[1:] == (3, 1, 1)
