"""Host pages (/people/<id>/events and its calendar feed) exist only for
people who host a public event: hosting one makes your display name public,
there and on the event; every other field follows your profile's visibility."""

from __future__ import annotations

import pytest

from meetup.extensions import db
from meetup.models import Event, ProfileVisibility, User
from meetup.services.accounts import privacy_settings
from meetup.services.personal_data import registry
from tests.plugins.app import sign_in


def _private(app, person, **fields):
    with app.app_context():
        user = db.session.get(User, person.id)
        privacy_settings.update_privacy(
            user, profile_visibility="private", is_listed_in_directories=False,
            is_email_shared_with_connections=False, is_followup_email_wanted=False,
        )  # fmt: skip
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()


def _viewers(app, make_user):
    member = app.test_client()
    sign_in(member, make_user())
    return {"anonymous": app.test_client(), "member": member}


@pytest.mark.parametrize(
    "hosting", ["nothing", "a draft", "an unlisted event", "a cancelled event"]
)
def test_no_host_page_for_people_without_a_public_event(app, make_user, make_event, hosting):
    person = make_user(display_name="Pria Private")
    _private(app, person)
    if hosting == "a draft":
        make_event(creator=person, publish=False)
    elif hosting == "an unlisted event":
        make_event(creator=person, visibility="unlisted")
    elif hosting == "a cancelled event":
        event = make_event(creator=person)
        with app.app_context():
            db.session.get(Event, event.id).status = "cancelled"
            db.session.commit()
    for who, client in _viewers(app, make_user).items():
        for url in (f"/people/{person.id}/events", f"/people/{person.id}/calendar.ics"):
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert "Pria Private" not in response.get_data(as_text=True), (who, url)
    assert app.test_client().get("/people/999999/events").status_code == 404


def test_hosting_a_public_event_makes_the_name_public_and_nothing_else(app, make_user, make_event):
    person = make_user(display_name="Hana Host")
    _private(app, person, headline="Secret headline", company="Secret company")
    event = make_event(creator=person, title="Open evening")
    for who, client in _viewers(app, make_user).items():
        page = client.get(f"/people/{person.id}/events")
        assert page.status_code == 200, who
        html = page.get_data(as_text=True)
        assert "Hana Host" in html and "Open evening" in html
        assert "Secret headline" not in html and "Secret company" not in html
        feed = client.get(f"/people/{person.id}/calendar.ics")
        assert feed.status_code == 200 and b"Hana Host" in feed.data
        event_page = client.get(f"/events/{event.slug}").get_data(as_text=True)
        assert "Hana Host" in event_page and "Secret headline" not in event_page
        # The profile itself stays private.
        assert client.get(f"/people/{person.id}").status_code in (302, 404)


def test_a_deleted_host_has_no_host_page(app, make_user, make_event):
    person = make_user(display_name="Dee Departed")
    make_event(creator=person)
    with app.app_context():
        db.session.get(User, person.id).profile_visibility = ProfileVisibility.PUBLIC

        registry.delete_account(db.session.get(User, person.id), password="correct horse battery")
        db.session.commit()
    assert app.test_client().get(f"/people/{person.id}/events").status_code == 404
    assert app.test_client().get(f"/people/{person.id}/calendar.ics").status_code == 404


def test_host_links_built_once_match_url_for(app) -> None:
    """url_for_each over an id (the event page's links to its hosts' pages) writes
    each id as url_for would, under a path prefix too."""
    from flask import url_for

    from meetup.routing import MAX_ID, url_for_each

    with app.test_request_context("/events", base_url="http://localhost/prefix"):
        each = url_for_each("events.hosted_by", "person_id")
        for person_id in (1, 7, 10, 2147, MAX_ID):
            assert each(person_id) == url_for("events.hosted_by", person_id=person_id)
        assert each(42).startswith("/prefix/")
        with pytest.raises(ValueError):
            url_for_each("events.index", "page")  # not a path segment
