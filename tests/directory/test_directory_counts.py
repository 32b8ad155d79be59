"""The directory's counts come from the replies alone: they must agree with
the people it lists, whatever the people chose and whoever looks."""

from __future__ import annotations

import itertools
import re

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import ProfileVisibility, User
from meetup.services import privacy
from meetup.services.accounts import privacy_settings
from meetup.services.connections.blocks import block_person
from meetup.services.personal_data import registry
from meetup.services.rsvps import replying
from tests.conftest import DEFAULT_PASSWORD
from tests.plugins.app import sign_in

CARD = re.compile(r'<li class="event-card" id="person-(\d+)">')
LEAD = re.compile(r'<p class="lead">(\d+) (?:person|people) going\.')


@pytest.mark.parametrize(
    ("deleted", "listed", "visibility"),
    list(itertools.product((False, True), (False, True), list(ProfileVisibility))),
)
def test_the_listing_a_reply_copies_is_the_privacy_rule(app, make_user, deleted, listed,
                                                        visibility):  # fmt: skip
    person = make_user()
    with app.app_context():
        user = db.session.get(User, person.id)
        user.is_listed_in_directories, user.profile_visibility = listed, visibility
        if deleted:
            user.deleted_at = user.created_at
        db.session.flush()
        in_sql = db.session.scalar(
            select(privacy.listed_by_default_condition()).where(User.id == user.id)
        )
        assert privacy.is_listed_by_default(user) is bool(in_sql)


def _settings(app, person, *, listed=True, visibility="members"):
    with app.app_context():
        privacy_settings.update_privacy(
            db.session.get(User, person.id), profile_visibility=visibility,
            is_listed_in_directories=listed, is_email_shared_with_connections=False,
            is_followup_email_wanted=True,
        )  # fmt: skip
        db.session.commit()


def _look(client, event, query=""):
    """How many are going as the page says, and the people it lists."""
    page = client.get(f"/events/{event.slug}/people{query}").get_data(as_text=True)
    return int(LEAD.search(page).group(1)), {int(found) for found in CARD.findall(page)}


def test_counts_follow_every_choice_that_lists_or_hides(app, make_user, make_event, reply):
    creator = make_user()
    event = make_event(creator=creator, directory_visibility="everyone")
    people = {name: make_user(display_name=name) for name in
              ("Ada", "Ben", "Cat", "Dan", "Eve", "Fay", "Gil")}  # fmt: skip
    for person in people.values():
        reply(person, event)
    reply(make_user(display_name="Nat"), event, going=False)  # not going: never counted
    ids = {name: person.id for name, person in people.items()}
    _settings(app, people["Ben"], listed=False)  # unlisted by their setting
    _settings(app, people["Cat"], visibility="private")  # only me
    with app.app_context():
        replying.set_directory_choice(db.session.get(User, ids["Dan"]), event, "hidden")
        replying.set_directory_choice(db.session.get(User, ids["Eve"]), event, "shown")
        db.session.commit()
    _settings(app, people["Eve"], listed=False)  # their choice for the event wins
    _settings(app, people["Fay"], listed=False)
    _settings(app, people["Fay"], listed=True)  # and back
    with app.app_context():
        registry.delete_account(db.session.get(User, ids["Gil"]), password=DEFAULT_PASSWORD)
        db.session.commit()
    anonymous = app.test_client()
    shown = {ids["Ada"], ids["Eve"], ids["Fay"]}
    assert _look(anonymous, event) == (6, shown)

    viewer = make_user()
    with app.app_context():
        block_person(db.session.get(User, viewer.id), ids["Ada"])
        block_person(db.session.get(User, ids["Dan"]), viewer.id)  # hidden anyway
        db.session.commit()
    client = app.test_client()
    sign_in(client, viewer)
    # A block hides a name, never changes a count: a logged-out look would tell.
    assert _look(client, event) == (6, shown - {ids["Ada"]})

    host = app.test_client()
    sign_in(host, creator)
    going, cards = _look(host, event)
    assert going == 6  # the list adds who is not
    assert set(ids.values()) - {ids["Gil"]} < cards and ids["Gil"] not in cards
    # A page past the last lists nobody, and counts the same.
    assert _look(anonymous, event, "?page=2") == (6, set())
    assert _look(client, event, "?page=2") == (6, set())
    assert _look(host, event, "?page=2") == (6, set())
