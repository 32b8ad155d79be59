"""Privacy settings, and the one function per question that the rest of the code asks."""

from __future__ import annotations

import json

import pytest

from meetup.models import ProfileVisibility
from meetup.services import privacy

PASSWORD = "correct horse battery"


def _privacy_in_my_data(client) -> dict:
    return json.loads(client.get("/account/data.json").get_data(as_text=True))["privacy"]


def test_defaults_are_listed_no_email_sharing_followups_on(app, client, auth, make_user) -> None:
    person = make_user()
    auth.login(person.email)
    assert _privacy_in_my_data(client) == {
        "profile_visibility": "members",
        "listed_in_directories": True,
        "email_shared_with_connections": False,
        "followup_emails": True,
        "calendar_reminder_minutes": None,
    }


def test_privacy_page_saves_every_choice(app, client, auth, make_user) -> None:
    person = make_user()
    auth.login(person.email)
    response = client.submit(
        "/account/privacy",
        {"profile_visibility": "private", "is_email_shared_with_connections": "y"},
    )
    assert response.status_code == 303
    saved = _privacy_in_my_data(client)
    assert saved["profile_visibility"] == "private"
    assert not saved["listed_in_directories"]  # "only me" turns the default listing off
    assert saved["email_shared_with_connections"]
    assert not saved["followup_emails"]
    html = client.get("/account/privacy").get_data(as_text=True)
    assert 'checked id="profile_visibility-2"' in html
    assert 'checked id="is_email_shared_with_connections"' in html


def test_unknown_visibility_is_refused_at_the_field(client, auth, make_user) -> None:
    auth.login(make_user().email)
    response = client.submit("/account/privacy", {"profile_visibility": "everyone-ever"})
    assert response.status_code == 422
    assert 'id="profile_visibility-error">Choose who can see your profile.' in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("visibility", "anonymous", "member", "themself"),
    [
        (ProfileVisibility.PUBLIC, True, True, True),
        (ProfileVisibility.MEMBERS, False, True, True),
        (ProfileVisibility.PRIVATE, False, False, True),
    ],
)
def test_can_see_profile(
    app, make_user, visibility, anonymous: bool, member: bool, themself: bool
) -> None:
    person, other = make_user(), make_user()
    person.profile_visibility = visibility
    with app.app_context():  # a member's blocks are read from the database
        assert privacy.can_see_profile(None, person) is anonymous
        assert privacy.can_see_profile(other, person) is member
        assert privacy.can_see_profile(person, person) is themself


def test_email_is_visible_to_the_person_and_to_connections_they_allow(app, make_user) -> None:
    from meetup.extensions import db
    from meetup.models import Connection

    person, other, connection = make_user(), make_user(), make_user()
    person.is_email_shared_with_connections = True
    with app.app_context():
        low, high = sorted((person.id, connection.id))
        db.session.add(Connection(first_id=low, second_id=high))
        db.session.commit()
        assert privacy.can_see_email(person, person)
        assert privacy.can_see_email(connection, person)
        assert not privacy.can_see_email(other, person)
        assert not privacy.can_see_email(None, person)
        person.is_email_shared_with_connections = False
        assert not privacy.can_see_email(connection, person)


def test_privacy_settings_need_an_account(client) -> None:
    assert client.get("/account/privacy").status_code == 302
