"""The directory's "People you should meet": who sees it, what it says,
its actions, and a query count that does not grow with the room."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from meetup.extensions import db
from meetup.models import Event, User
from meetup.models.types import utcnow
from tests.plugins.app import sign_in
from tests.suggestions.test_suggestions import build, set_profile

TITLE = "People you should meet"


def _room(app, make_user, make_event, reply, *, size: int, directory="attendees"):
    ada = make_user(display_name="Ada")
    ben = make_user(display_name="Ben Mentor")
    event = make_event(directory_visibility=directory)
    others = [make_user() for _ in range(size)]
    for person in [ada, ben, *others]:
        reply(person, event)
    with app.app_context():
        set_profile(ada, interests=["rust", "data engineering"], seeks=["advice"])
        set_profile(ben, interests=["rust", "data engineering"], offers=["advice"])
        for number, person in enumerate(others):
            set_profile(person, interests=["rust", f"topic {number}"], offers=["advice"])
        db.session.commit()
        build(event)
    return ada, ben, event


def test_an_attendee_sees_the_people_to_meet_with_reasons(
    app, client, make_user, make_event, reply
) -> None:
    ada, ben, event = _room(app, make_user, make_event, reply, size=6)
    sign_in(client, ada)
    page = client.get(f"/events/{event.slug}/people")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and TITLE in html
    section = html.split(TITLE)[1].split("</section>")[0]
    assert section.count('class="event-card suggestion"') == 5
    first = section.split('class="event-card suggestion"')[1]
    assert "Ben Mentor" in first and f'href="/people/{ben.id}"' in first
    assert "Ben Mentor offers advice, which you&#39;re looking for" in first
    # Everybody has "rust": no reason. Two have "data engineering".
    assert "You both work on data engineering</li>" in first
    assert f"/people/{ben.id}/connect?event={event.slug}" in first
    assert "stay-in-touch" not in first  # the event has not started
    assert page.headers["Cache-Control"] == "private, no-store"
    # Not on a search, nor on page 2.
    assert TITLE not in client.get(f"/events/{event.slug}/people?q=ben").get_data(as_text=True)


def test_once_it_started_the_section_offers_the_tick(
    app, client, make_user, make_event, reply
) -> None:
    ada, ben, event = _room(app, make_user, make_event, reply, size=1)
    with app.app_context():
        start = utcnow() - timedelta(hours=1)
        db.session.execute(
            update(Event).where(Event.id == event.id)
            .values(starts_at=start, ends_at=start + timedelta(hours=2))
        )  # fmt: skip
        db.session.commit()
    sign_in(client, ada)
    html = client.get(f"/events/{event.slug}/people").get_data(as_text=True)
    section = html.split(TITLE)[1].split("</section>")[0]
    assert f"/people/{ben.id}/stay-in-touch" in section


def test_nobody_else_sees_the_section(app, client, make_user, make_event, reply) -> None:
    _ada, _, event = _room(app, make_user, make_event, reply, size=1, directory="everyone")
    assert TITLE not in client.get(f"/events/{event.slug}/people").get_data(as_text=True)
    member = make_user()
    sign_in(client, member)
    page = client.get(f"/events/{event.slug}/people")
    assert page.status_code == 200 and TITLE not in page.get_data(as_text=True)


def test_an_unverified_attendee_sees_no_connect_button(
    app, client, make_user, make_event, reply
) -> None:
    ada, _ben, event = _room(app, make_user, make_event, reply, size=1)
    with app.app_context():
        db.session.execute(update(User).where(User.id == ada.id).values(email_verified_at=None))
        db.session.commit()
    sign_in(client, ada)
    html = client.get(f"/events/{event.slug}/people").get_data(as_text=True)
    section = html.split(TITLE)[1].split("</section>")[0]
    assert "Ben Mentor" in section and "/connect" not in section


def test_the_page_does_not_grow_with_the_room(
    app, client, make_user, make_event, reply, count_queries
) -> None:
    def queries(size: int) -> int:
        ada, _, event = _room(app, make_user, make_event, reply, size=size)
        viewer = app.test_client()
        sign_in(viewer, ada)
        viewer.get(f"/events/{event.slug}/people")
        with count_queries() as counted:
            html = viewer.get(f"/events/{event.slug}/people").get_data(as_text=True)
        assert len(re.findall(r'class="event-card suggestion"', html)) == 5
        return counted.count

    assert queries(5) == queries(60)
