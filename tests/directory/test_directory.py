"""The attendee directory: a privacy matrix, every cell asserted."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import DirectoryChoice, ProfileVisibility, Rsvp, User
from meetup.models.types import utcnow
from meetup.services.accounts import privacy_settings, profiles
from meetup.services.rsvps import replying
from tests.plugins.app import sign_in

VIEWERS = ["anonymous", "member", "waitlisted", "pending", "going", "cohost", "creator"]
SETTINGS = ["everyone", "attendees", "hosts"]
# Who may open the directory, per setting.
ALLOWED = {
    "everyone": set(VIEWERS),
    "attendees": {"going", "cohost", "creator"},
    "hosts": {"cohost", "creator"},
}


@pytest.fixture
def world(app, make_user, make_event, reply, host_acts):
    """Per setting, an event with: a shown person going, a hidden person
    going, and one viewer in each role."""
    creator = make_user(display_name="Cora Creator")
    cohost = make_user(display_name="Colin Cohost")
    member = make_user(display_name="Mia Member")
    going = make_user(display_name="Gus Going")
    waitlisted = make_user(display_name="Wes Waiting")
    pending = make_user(display_name="Pia Pending")
    shown = make_user(display_name="Sam Shown", email="sam.shown@example.org")
    hidden = make_user(display_name="Hal Hidden", email="hal.hidden@example.org")
    with app.app_context():
        for person in (shown, hidden):
            user = db.session.get(User, person.id)
            privacy_settings.update_privacy(
                user, profile_visibility="public", is_listed_in_directories=person is shown,
                is_email_shared_with_connections=False, is_followup_email_wanted=True,
            )  # fmt: skip
            user.headline = f"Headline of {user.display_name}"
        db.session.commit()
    events = {}
    for setting in SETTINGS:
        event = make_event(creator=creator, cohosts=(cohost,), capacity=3,
                           directory_visibility=setting)  # fmt: skip
        reply(shown, event), reply(hidden, event), reply(going, event)
        reply(waitlisted, event)
        events[setting] = event
    approval = {}
    for setting in SETTINGS:
        event = events[setting]
        with app.app_context():
            record = db.session.get(type(event), event.id)
            record.is_approval_required = True
            db.session.commit()
        approval[setting] = reply(pending, event)
    people = {"anonymous": None, "member": member, "waitlisted": waitlisted,
              "pending": pending, "going": going, "cohost": cohost, "creator": creator}  # fmt: skip
    return events, people


def _client(app, person):
    client = app.test_client()
    if person is not None:
        sign_in(client, person)
    return client


@pytest.mark.parametrize(("setting", "viewer"), list(itertools.product(SETTINGS, VIEWERS)))
def test_the_directory_privacy_matrix(app, world, setting, viewer):
    events, people = world
    event = events[setting]
    client = _client(app, people[viewer])
    for url in (f"/events/{event.slug}/people", f"/events/{event.slug}/people?q=hal",
                f"/events/{event.slug}/people?q=sam"):  # fmt: skip
        response = client.get(url)
        if viewer not in ALLOWED[setting]:
            assert response.status_code == (302 if viewer == "anonymous" else 403), url
            continue
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        is_host = viewer in ("cohost", "creator")
        # The shown person: named to everyone allowed (unless searched away).
        assert ("Sam Shown" in html) is ("q=hal" not in url), url
        # The hidden person: named to hosts only, counted for everyone else.
        assert ("Hal Hidden" in html) is (is_host and "q=sam" not in url), url
        # Email addresses: hosts only.
        assert ("sam.shown@example.org" in html) is (is_host and "q=hal" not in url), url
        if not is_host and "?" not in url:
            # How many are going, never how many are listed.
            assert "3 people going. Each person chooses whether to be listed here." in html
            assert "people listed" not in html
    # The event page links to the directory exactly for those allowed.
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert ("See who&#39;s coming" in page or "See who's coming" in page) is (
        viewer in ALLOWED[setting]
    )


def test_a_per_event_choice_beats_the_privacy_setting_and_survives_edits(
    app, make_user, make_event, reply
):
    event = make_event(directory_visibility="everyone", guest_limit=2)
    person = make_user(display_name="Ivy Individual")
    client = _client(app, person)
    page = f"/events/{event.slug}"
    response = client.submit(f"{page}/rsvp", {"response": "going", "directory_choice": "hidden"},
                             page=page)  # fmt: skip
    assert response.status_code == 303
    listing = app.test_client().get(f"{page}/people").get_data(as_text=True)
    assert "Ivy Individual" not in listing
    # A later edit of guests, without the field: the choice stays.
    with app.app_context():
        replying.respond(db.session.get(User, person.id), db.session.get(type(event), event.id),
                      replying.Reply(True, guests=1))  # fmt: skip
        profiles.update_profile(
            db.session.get(User, person.id), display_name="Ivy Individual", headline="New",
            company="", bio="", interests=[], links=[], offers=[], seeks=[], timezone="UTC",
        )  # fmt: skip
        db.session.commit()
        assert db.session.query(Rsvp).filter_by(user_id=person.id).one().directory_choice.value == (
            "hidden"
        )
    assert "Ivy Individual" not in app.test_client().get(f"{page}/people").get_data(as_text=True)
    # The form shows the choice, so resubmitting it keeps it too.
    form_page = client.get(page).get_data(as_text=True)
    assert re.search(r'<option (selected value="hidden"|value="hidden" selected)', form_page)


def test_search_by_interest_and_offers(app, make_user, make_event, reply):
    event = make_event(directory_visibility="everyone")
    mentor = make_user(display_name="Mentor Mo")
    with app.app_context():
        profiles.update_profile(
            db.session.get(User, mentor.id), display_name="Mentor Mo", headline="Staff engineer",
            company="Acme", bio="", interests=["python"], links=[], offers=["mentoring"],
            seeks=[], timezone="UTC",
        )  # fmt: skip
        # Searched by a logged-out visitor: only a public profile's fields are theirs to search.
        db.session.get(User, mentor.id).profile_visibility = ProfileVisibility.PUBLIC
        db.session.commit()
    reply(mentor, event), reply(make_user(display_name="Other Olga"), event)
    client = app.test_client()
    base = f"/events/{event.slug}/people"
    for query in ("?offers=mentoring", "?interest=python", "?q=acme", "?q=staff"):
        html = client.get(base + query).get_data(as_text=True)
        assert "Mentor Mo" in html and "Other Olga" not in html, query
    assert "Other Olga" in client.get(base + "?seeks=").get_data(as_text=True)


def test_the_directory_runs_constant_queries(app, make_user, make_event, reply, count_queries):
    event = make_event(directory_visibility="everyone")
    client = app.test_client()
    reply(make_user(), event)
    client.get(f"/events/{event.slug}/people")
    with count_queries() as few:
        client.get(f"/events/{event.slug}/people")
    for number in range(8):
        person = make_user()
        with app.app_context():
            profiles.update_profile(
                db.session.get(User, person.id), display_name=f"P {number}", headline="",
                company="", bio="", interests=[f"topic {number}", "python"], links=[],
                offers=["advice"], seeks=["hiring"], timezone="UTC",
            )  # fmt: skip
            db.session.commit()
        reply(person, event)
    with count_queries() as many:
        client.get(f"/events/{event.slug}/people")
    assert many.count == few.count


@pytest.mark.parametrize(("setting", "viewer"), list(itertools.product(SETTINGS, VIEWERS)))
def test_the_directory_csv_is_for_hosts_with_only_agreed_fields(app, world, setting, viewer):
    events, people = world
    event = events[setting]
    response = _client(app, people[viewer]).get(f"/events/{event.slug}/people.csv")
    if viewer not in ("cohost", "creator"):
        assert response.status_code == (302 if viewer == "anonymous" else 403)
        return
    assert response.status_code == 200
    rows = {
        row["name"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    }
    shown = rows["Sam Shown"]
    assert shown["listed"] == "yes" and shown["email"] == "sam.shown@example.org"
    assert shown["headline"] == "Headline of Sam Shown"
    hidden = rows["Hal Hidden"]
    assert hidden["listed"] == "no" and hidden["email"] == "hal.hidden@example.org"
    assert hidden["headline"] == hidden["company"] == hidden["interests"] == ""
    assert rows["Wes Waiting"]["status"] == "waitlisted"
    assert rows["Pia Pending"]["status"] == "pending"


@pytest.mark.parametrize(("setting", "viewer"), list(itertools.product(SETTINGS, VIEWERS)))
def test_the_profile_lists_an_event_only_where_its_directory_shows_the_person(
    app, world, setting, viewer
):
    events, people = world
    link = f'href="/events/{events[setting].slug}"'
    client = _client(app, people[viewer])
    for name, is_shown in (("Sam Shown", True), ("Hal Hidden", False)):
        with app.app_context():
            person_id = db.session.scalar(select(User.id).where(User.display_name == name))
        response = client.get(f"/people/{person_id}")
        assert response.status_code == 200
        expected = viewer in ("cohost", "creator") or (is_shown and viewer in ALLOWED[setting])
        assert (link in response.get_data(as_text=True)) is expected, name


def test_hiding_from_my_events_page(app, make_user, make_event, reply):
    event = make_event(directory_visibility="everyone")
    person = make_user(display_name="Quinn Quiet")
    reply(person, event)
    client = _client(app, person)
    assert "Quinn Quiet" in app.test_client().get(f"/events/{event.slug}/people").get_data(
        as_text=True
    )
    response = client.submit(
        f"/events/{event.slug}/rsvp/directory", {"directory_choice": "hidden"}, page="/my/events"
    )
    assert response.status_code == 303
    listing = app.test_client().get(f"/events/{event.slug}/people").get_data(as_text=True)
    assert "Quinn Quiet" not in listing and "1 person going." in listing
    stranger = _client(app, make_user())
    token = stranger.csrf_token("/my/events")
    response = stranger.post(f"/events/{event.slug}/rsvp/directory",
                             data={"csrf_token": token, "directory_choice": "shown"})  # fmt: skip
    assert response.status_code == 404


def _move_into_the_past(app, event, *, days=3):
    with app.app_context():
        record = db.session.get(type(event), event.id)
        record.starts_at = utcnow() - timedelta(days=days)
        record.ends_at = record.starts_at + timedelta(hours=2)
        db.session.commit()


def _make_public(app, person):
    with app.app_context():
        db.session.get(User, person.id).profile_visibility = ProfileVisibility.PUBLIC
        db.session.commit()


def test_events_you_both_attended(app, make_user, make_event, reply):
    person = make_user(display_name="Pat Person")
    viewer = make_user(display_name="Val Viewer")
    _make_public(app, person)
    both = make_event(title="Both went", directory_visibility="everyone")
    unlisted = make_event(title="Both went, unlisted", directory_visibility="attendees",
                          visibility="unlisted")  # fmt: skip
    hidden = make_event(title="Pat hid here", directory_visibility="everyone")
    alone = make_event(title="Pat alone", directory_visibility="everyone")
    upcoming = make_event(title="Pat soon", directory_visibility="everyone")
    for event in (both, unlisted, hidden):
        reply(person, event), reply(viewer, event)
    reply(person, alone), reply(person, upcoming)
    with app.app_context():
        db.session.scalars(
            select(Rsvp).where(Rsvp.user_id == person.id, Rsvp.event_id == hidden.id)
        ).one().directory_choice = DirectoryChoice.HIDDEN
        db.session.commit()
    for event in (both, unlisted, hidden, alone):
        _move_into_the_past(app, event)

    def sections(client):
        html = client.get(f"/people/{person.id}").get_data(as_text=True)
        together = html.partition("Events you both attended")[2].partition("</section>")[0]
        return (together if "Events you both attended" in html else ""), html

    client = _client(app, viewer)
    together, html = sections(client)
    assert "Both went<" in together and "Both went, unlisted" in together
    assert "Pat hid here" not in html and "Pat alone" not in together
    assert "Pat soon" in html and "Pat alone" in html  # public, and shown
    together, html = sections(app.test_client())
    assert together == ""
    assert "Pat alone" in html and "Both went<" in html and "Pat soon" in html
    assert "Both went, unlisted" not in html and "Pat hid here" not in html
    # The person's own profile: no "both attended" with themselves.
    assert sections(_client(app, person))[0] == ""


def test_the_profile_runs_constant_queries(app, make_user, make_event, reply, count_queries):
    person = make_user()
    viewer = make_user()
    client = _client(app, viewer)

    def go_together(count):
        for _ in range(count):
            event = make_event(directory_visibility="attendees", topics=["python", "data"])
            reply(person, event), reply(viewer, event)
            make_event(creator=person)
            _move_into_the_past(app, event)

    go_together(1)
    client.get(f"/people/{person.id}")
    with count_queries() as few:
        assert client.get(f"/people/{person.id}").status_code == 200
    go_together(6)
    with count_queries() as many:
        html = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert html.count("Events you both attended") == 1
    assert many.count == few.count
