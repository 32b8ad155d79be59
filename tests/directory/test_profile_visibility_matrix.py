"""The directory's privacy matrix with the profile-visibility axis: viewer ×
directory setting × per-event choice × profile visibility, on every surface
that names a person (the page, its search and filters, its counts, the hosts'
CSV, the profile lists). A card never shows more than the viewer could see on
that person's profile; "only me" is never listed by default, and an explicit
"show me" lists the name only."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from sqlalchemy import select, update

from meetup.extensions import db
from meetup.models import DirectoryChoice, Event, ProfileVisibility, Rsvp, User
from meetup.services.accounts import profiles
from tests.plugins.app import sign_in

VIEWERS = ["anonymous", "member", "waitlisted", "pending", "going", "cohost", "creator"]
SETTINGS = ["everyone", "attendees", "hosts"]
ALLOWED = {
    "everyone": set(VIEWERS),
    "attendees": {"going", "cohost", "creator"},
    "hosts": {"cohost", "creator"},
}
VISIBILITIES = ["public", "members", "private"]
CHOICES = [None, "shown", "hidden"]
SUBJECTS = list(itertools.product(VISIBILITIES, CHOICES))


def _name(visibility, choice):
    return f"Subject {visibility.title()} {(choice or 'default').title()}"


def _listed(visibility, choice):
    return choice == "shown" or (choice is None and visibility != "private")


def _sees_fields(viewer, visibility):
    """What the viewer sees on the person's profile (never their own here)."""
    return visibility == "public" or (visibility == "members" and viewer != "anonymous")


@pytest.fixture
def world(app, make_user, make_event, reply):
    creator = make_user(display_name="Cora Creator")
    cohost = make_user(display_name="Colin Cohost")
    people = {"anonymous": None, "member": make_user(), "waitlisted": make_user(),
              "pending": make_user(), "going": make_user(display_name="Gus Going"),
              "cohost": cohost, "creator": creator}  # fmt: skip
    subjects = {}
    for visibility, choice in SUBJECTS:
        person = make_user(display_name=_name(visibility, choice))
        with app.app_context():
            user = db.session.get(User, person.id)
            profiles.update_profile(
                user, display_name=user.display_name, headline=f"Zebra {user.display_name}",
                company="Quagga Ltd", bio="", interests=["okapi"], links=[],
                offers=["mentoring"], seeks=[], timezone="UTC",
            )  # fmt: skip
            user.profile_visibility = ProfileVisibility(visibility)
            # As accounts made before the fix: "only me" and still listed by default.
            user.is_listed_in_directories = True
            db.session.commit()
        subjects[(visibility, choice)] = person
    events = {}
    for setting in SETTINGS:
        event = make_event(creator=creator, cohosts=(cohost,), capacity=10,
                           directory_visibility=setting)  # fmt: skip
        for (_, choice), person in subjects.items():
            reply(person, event)
            if choice:
                with app.app_context():
                    db.session.execute(
                        update(Rsvp)
                        .where(Rsvp.user_id == person.id, Rsvp.event_id == event.id)
                        .values(directory_choice=DirectoryChoice(choice))
                    )
                    db.session.commit()
        reply(people["going"], event), reply(people["waitlisted"], event)
        with app.app_context():
            db.session.get(Event, event.id).is_approval_required = True
            db.session.commit()
        reply(people["pending"], event)
        events[setting] = event
    return events, people, subjects


def _client(app, person):
    client = app.test_client()
    if person is not None:
        sign_in(client, person)
    return client


@pytest.mark.parametrize(("setting", "viewer"), list(itertools.product(SETTINGS, VIEWERS)))
def test_the_directory_page_search_and_counts(app, world, setting, viewer):
    events, people, _ = world
    event = events[setting]
    client = _client(app, people[viewer])
    base = f"/events/{event.slug}/people"
    if viewer not in ALLOWED[setting]:
        assert client.get(base).status_code in (302, 403)
        return
    is_host = viewer in ("cohost", "creator")
    page = client.get(base).get_data(as_text=True)
    searches = {query: client.get(base + query).get_data(as_text=True)
                for query in ("?q=zebra", "?q=quagga", "?interest=okapi",
                              "?offers=mentoring")}  # fmt: skip
    for visibility, choice in SUBJECTS:
        name, cell = _name(visibility, choice), (visibility, choice, viewer, setting)
        named = is_host or _listed(visibility, choice)
        fields = named and _sees_fields(viewer, visibility)
        assert (name in page) is named, cell
        assert (f"Zebra {name}" in page) is fields, cell
        for query, html in searches.items():
            # A search by a field the viewer may not see must not find the person.
            assert (name in html) is fields, (*cell, query)
    if not is_host:
        going = len(SUBJECTS) + 1  # and Gus Going: counted, listed or not
        assert f"{going} people going. Each person chooses whether to be listed here." in page
    # Name search finds everyone named, whatever their profile's visibility.
    by_name = client.get(base + "?q=subject").get_data(as_text=True)
    for subject in SUBJECTS:
        assert (_name(*subject) in by_name) is (is_host or _listed(*subject))


@pytest.mark.parametrize("viewer", ["cohost", "creator"])
def test_the_hosts_csv(app, world, viewer):
    events, people, _ = world
    response = _client(app, people[viewer]).get(f"/events/{events['hosts'].slug}/people.csv")
    rows = {
        row["name"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    }
    for visibility, choice in SUBJECTS:
        row = rows[_name(visibility, choice)]
        listed = _listed(visibility, choice)
        assert row["listed"] == ("yes" if listed else "no")
        fields = listed and _sees_fields(viewer, visibility)
        assert (row["headline"], row["company"], row["interests"], row["offers"]) == (
            (f"Zebra {_name(visibility, choice)}", "Quagga Ltd", "okapi", "mentoring")
            if fields
            else ("", "", "", "")
        ), (visibility, choice)


@pytest.mark.parametrize(("setting", "viewer"), list(itertools.product(SETTINGS, VIEWERS)))
def test_the_profile_lists(app, world, setting, viewer):
    events, people, subjects = world
    link = f'href="/events/{events[setting].slug}"'
    client = _client(app, people[viewer])
    for (visibility, choice), person in subjects.items():
        response = client.get(f"/people/{person.id}")
        if not _sees_fields(viewer, visibility):
            assert response.status_code in (302, 404), (visibility, choice)
            continue
        named = viewer in ("cohost", "creator") or (
            _listed(visibility, choice) and viewer in ALLOWED[setting]
        )
        assert (link in response.get_data(as_text=True)) is named, (visibility, choice)


def test_choosing_only_me_turns_the_default_listing_off(app, make_user):
    person = make_user()
    client = _client(app, person)
    page = client.get("/account/privacy").get_data(as_text=True)
    assert "Only me" in page and "turns this off" in page
    response = client.submit("/account/privacy", {"profile_visibility": "private",
                                                  "is_listed_in_directories": "y"})  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        assert (
            db.session.scalar(select(User.is_listed_in_directories).where(User.id == person.id))
            is False
        )
