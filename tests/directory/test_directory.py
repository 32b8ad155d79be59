"""The attendee directory: a privacy matrix, every cell asserted."""

from __future__ import annotations

import itertools
import re

import pytest

from meetup.extensions import db
from meetup.models import Rsvp, User
from meetup.services import privacy, profiles, rsvps
from tests.conftest import sign_in

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
        user = db.session.get(User, hidden.id)
        privacy.update_privacy(
            user, profile_visibility=user.profile_visibility, is_listed_in_directories=False,
            is_email_shared_with_connections=False, is_followup_email_wanted=True,
        )  # fmt: skip
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
            assert "and 1 other who chose not to be" in html
            assert "3 people listed" not in html and "2 people listed" in html
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
        rsvps.respond(db.session.get(User, person.id), db.session.get(type(event), event.id),
                      rsvps.Reply(True, guests=1))  # fmt: skip
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


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [("anonymous", 302), ("member", 403), ("going", 403), ("cohost", 200), ("creator", 200)],
)
def test_the_directory_csv_is_for_hosts_with_only_agreed_fields(app, world, viewer, expected):
    events, people = world
    event = events["everyone"]
    response = _client(app, people[viewer]).get(f"/events/{event.slug}/people.csv")
    assert response.status_code == expected
    if expected != 200:
        return
    import csv
    import io

    rows = {
        row["name"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    }
    assert rows["Sam Shown"]["listed"] == "yes" and rows["Sam Shown"]["email"]
    hidden = rows["Hal Hidden"]
    assert hidden["listed"] == "no" and hidden["email"] == "hal.hidden@example.org"
    assert hidden["headline"] == hidden["company"] == hidden["interests"] == ""
    assert rows["Wes Waiting"]["status"] == "waitlisted"


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
    assert "Quinn Quiet" not in listing and "and 1 other" in listing
    stranger = _client(app, make_user())
    token = stranger.csrf_token("/my/events")
    response = stranger.post(f"/events/{event.slug}/rsvp/directory",
                             data={"csrf_token": token, "directory_choice": "shown"})  # fmt: skip
    assert response.status_code == 404
