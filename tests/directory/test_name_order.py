"""The directory's order: names folded for sorting, kept current on rename."""

from __future__ import annotations

import re

import pytest

from meetup.extensions import db
from meetup.lib.folding import folded_for_sorting
from meetup.models import ProfileVisibility, User
from meetup.services.accounts import profiles
from meetup.services.personal_data import registry
from tests.conftest import DEFAULT_PASSWORD
from tests.plugins.app import sign_in

CARD = re.compile(r'<li class="event-card" id="person-(\d+)">')


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Émile", "emile"),
        ("ZOË", "zoe"),
        ("de Vries", "de vries"),
        ("Straße", "strasse"),
        ("Øyvind  Łukasz", "oyvind lukasz"),
        ("Ｆｕｌｌ width", "full width"),
        ("李小龍", "李小龍"),
    ],
)
def test_a_name_folded_for_sorting(name, folded):
    assert folded_for_sorting(name) == folded


def test_a_folded_name_is_cut_to_its_column():
    assert folded_for_sorting("ß" * 5, max_length=7) == "sssssss"


def _set_name(app, person, name, **profile):
    with app.app_context():
        user = db.session.get(User, person.id)
        profiles.update_profile(
            user, display_name=name, headline=profile.get("headline", ""), company="", bio="",
            interests=[], links=[], offers=profile.get("offers", []), seeks=[], timezone="UTC",
        )  # fmt: skip
        user.profile_visibility = ProfileVisibility.PUBLIC
        db.session.commit()


def _order(client, path):
    return [int(found) for found in CARD.findall(client.get(path).get_data(as_text=True))]


def test_names_sort_without_case_or_accents(app, make_user, make_event, reply):
    event = make_event(directory_visibility="everyone")
    names = ["Emma", "Zoë", "Émile", "dean", "Emil", "de Vries", "adam", "Øyvind", "Bob"]
    people = {name: make_user(display_name=name) for name in names}
    for person in people.values():
        reply(person, event)
    expected = ["adam", "Bob", "de Vries", "dean", "Emil", "Émile", "Emma", "Øyvind", "Zoë"]
    order = _order(app.test_client(), f"/events/{event.slug}/people")
    assert order == [people[name].id for name in expected]


def test_the_same_name_sorts_by_account(app, make_user, make_event, reply):
    event = make_event(directory_visibility="everyone")
    twins = [make_user(display_name="Sam Same") for _ in range(3)]
    for twin in reversed(twins):
        reply(twin, event)
    assert _order(app.test_client(), f"/events/{event.slug}/people") == [t.id for t in twins]


def test_renaming_someone_moves_them(app, make_user, make_event, reply):
    events = [make_event(directory_visibility="everyone") for _ in range(2)]
    anna, bea, cy = (make_user(display_name=name) for name in ("Anna", "Bea", "Cy"))
    for event in events:
        for person in (anna, bea, cy):
            reply(person, event)
    _set_name(app, anna, "Željka Ángel")
    client = app.test_client()
    for event in events:  # every reply of theirs, not only one event's
        assert _order(client, f"/events/{event.slug}/people") == [bea.id, cy.id, anna.id]
    _set_name(app, cy, "aaron")
    assert _order(client, f"/events/{events[0].slug}/people") == [cy.id, bea.id, anna.id]


def test_a_deleted_account_leaves_the_list_and_the_order(app, make_user, make_event, reply):
    event = make_event(directory_visibility="everyone")
    anna, bea, cy = (make_user(display_name=name) for name in ("Anna", "Bea", "Cy"))
    for person in (anna, bea, cy):
        reply(person, event)
    with app.app_context():
        registry.delete_account(db.session.get(User, bea.id), password=DEFAULT_PASSWORD)
        db.session.commit()
    page = app.test_client().get(f"/events/{event.slug}/people").get_data(as_text=True)
    assert [int(found) for found in CARD.findall(page)] == [anna.id, cy.id]
    assert "2 people going." in page


def _room(app, make_user, make_event, reply, size):
    """`size` people going, named out of order, every third offering mentoring."""
    event = make_event(directory_visibility="everyone")
    people = []
    for number in range(size):
        person = make_user(display_name=f"{'ÉéEe'[number % 4]}{(size - number) * 7 % 101:03}")
        offers = ["mentoring"] if number % 3 == 0 else []
        _set_name(app, person, person.display_name, headline="Engineer", offers=offers)
        reply(person, event)
        people.append(person)
    return event, people


def _expected(people, keep=lambda index: True):
    chosen = [(folded_for_sorting(p.display_name), p.id) for n, p in enumerate(people) if keep(n)]
    return [person_id for _, person_id in sorted(chosen)]


def test_pages_and_filtered_pages_follow_the_order(app, make_user, make_event, reply):
    event, people = _room(app, make_user, make_event, reply, 60)
    client = app.test_client()
    base = f"/events/{event.slug}/people"
    everyone = _order(client, base) + _order(client, base + "?page=2")
    assert everyone == _expected(people)
    assert _order(client, base + "?offers=mentoring") == _expected(people, lambda n: n % 3 == 0)
    # The search matches the name as typed (an accent is not folded away).
    assert _order(client, base + "?q=e0") == _expected(
        people, lambda n: people[n].display_name.lower().startswith("e0")
    )


# Statements a page runs, whatever the number of people: a visitor's are the
# event and the page (its people with their tags, and the counts); a signed-in
# viewer adds their session, the event's hosts, their blocks and, unfiltered,
# their suggestions.
PAGE_QUERIES = {"anonymous": (2, 2), "member": (6, 5), "going": (6, 5), "host": (6, 5)}


@pytest.mark.parametrize("viewer", list(PAGE_QUERIES))
def test_the_page_runs_the_same_queries_for_5_and_60_people(
    app, make_user, make_event, reply, count_queries, viewer
):
    counts = []
    for size in (5, 60):
        event, people = _room(app, make_user, make_event, reply, size)
        client = app.test_client()
        if viewer == "host":
            host = make_user()
            event = make_event(creator=host, directory_visibility="everyone")
            for person in people:
                reply(person, event)
            sign_in(client, host)
        elif viewer == "member":
            sign_in(client, make_user())
        elif viewer == "going":
            sign_in(client, people[0])
        for query in ("", "?offers=mentoring"):
            path = f"/events/{event.slug}/people{query}"
            client.get(path)
            with count_queries() as counted:
                assert client.get(path).status_code == 200
            counts.append(counted.count)
    assert counts[:2] == counts[2:] == list(PAGE_QUERIES[viewer])
