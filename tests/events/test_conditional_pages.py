"""Anonymous event pages and listings answer conditional requests (a weak
ETag, 304 on a match); pages made for one person or one browser do not."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from flask import make_response
from flask_wtf.csrf import generate_csrf

from meetup.extensions import db
from meetup.models import Event, User
from meetup.security import is_shared_response
from meetup.services.events.event_details import details_from
from meetup.services.hosting import lifecycle

SHARED_PAGES = ["/", "/events", "/events?q=networking", "/events/past", "/topics/python"]


def _etag(response) -> str:
    etag = response.headers["ETag"]
    assert etag.startswith('W/"'), etag
    return etag


def test_anonymous_event_page_is_revalidated_by_etag(client, make_event) -> None:
    event = make_event()
    first = client.get(f"/events/{event.slug}")
    etag = _etag(first)
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Cookie" in first.headers["Vary"]  # a signed-in copy is never the shared one

    again = client.get(f"/events/{event.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "no-cache"
    assert client.head(f"/events/{event.slug}", headers={"If-None-Match": etag}).status_code == 304
    stale = client.get(f"/events/{event.slug}", headers={"If-None-Match": 'W/"other"'})
    assert stale.status_code == 200 and event.title in stale.get_data(as_text=True)


@pytest.mark.parametrize("path", SHARED_PAGES)
def test_anonymous_listings_are_revalidated_by_etag(client, make_event, path: str) -> None:
    make_event(topics=["python"])
    etag = _etag(client.get(path))
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_a_change_to_the_event_changes_the_etag(app, client, make_event, make_user, reply) -> None:
    event = make_event()
    url = f"/events/{event.slug}"
    before = _etag(client.get(url))

    reply(make_user(), event)  # one more going: the page's count of seats changes
    after_reply = client.get(url, headers={"If-None-Match": before})
    assert after_reply.status_code == 200 and "1 going" in after_reply.get_data(as_text=True)
    assert _etag(after_reply) != before

    with app.app_context():
        mine = db.session.get(Event, event.id)
        zone = ZoneInfo(mine.timezone)
        details = details_from(
            mine,
            title="Renamed evening",
            starts_local=mine.starts_at.astimezone(zone).replace(tzinfo=None),
            ends_local=mine.ends_at.astimezone(zone).replace(tzinfo=None),
            topics=[topic.name for topic in mine.topics],
        )
        lifecycle.update_event(db.session.get(User, mine.created_by_id), mine, details)
        db.session.commit()
    renamed = client.get(url, headers={"If-None-Match": _etag(after_reply)})
    assert renamed.status_code == 200 and "Renamed evening" in renamed.get_data(as_text=True)


def test_signed_in_pages_carry_no_etag(client, auth, make_user, make_event) -> None:
    event = make_event()
    anonymous_etag = _etag(client.get(f"/events/{event.slug}"))
    auth.login(make_user().email)
    for path in [f"/events/{event.slug}", *SHARED_PAGES]:
        page = client.get(path, headers={"If-None-Match": anonymous_etag})
        assert page.status_code == 200, path
        assert "ETag" not in page.headers, path
        assert page.headers["Cache-Control"] == "private, no-store", path


def test_a_page_showing_a_flashed_message_carries_no_etag(client, auth, make_user) -> None:
    auth.login(make_user().email)
    assert auth.logout().headers["Location"] == "/"
    home = client.get("/")  # anonymous now, with "You are logged out."
    assert "You are logged out." in home.get_data(as_text=True)
    assert "ETag" not in home.headers
    assert "no-cache" not in home.headers.get("Cache-Control", "")
    etag = _etag(client.get("/"))  # the message is shown once; then the page is shared
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304


def test_a_flashed_message_on_the_event_page_is_never_answered_304(client, make_event) -> None:
    event = make_event()
    etag = _etag(client.get(f"/events/{event.slug}"))
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this browser")]
    page = client.get(f"/events/{event.slug}", headers={"If-None-Match": etag})
    assert page.status_code == 200
    assert "A message for this browser" in page.get_data(as_text=True)
    assert "ETag" not in page.headers


def test_a_page_with_a_csrf_token_is_not_shared(app, make_event) -> None:
    """A form's token belongs to one browser: a page that made one is never
    shared, whoever views it (hosts' tools have forms; so may a future page)."""
    event = make_event()
    with app.test_request_context(f"/events/{event.slug}"):
        assert is_shared_response(make_response("the same for everyone"))
    with app.test_request_context(f"/events/{event.slug}"):
        generate_csrf()
        assert not is_shared_response(make_response("a form for this browser"))


def test_errors_and_unmarked_pages_carry_no_etag(client, make_user, make_event) -> None:
    draft = make_event(publish=False)
    assert "ETag" not in client.get(f"/events/{draft.slug}").headers  # 404
    assert "ETag" not in client.get("/events/no-such-event").headers
    assert "ETag" not in client.get("/login").headers
    assert "ETag" not in client.get(f"/people/{make_user().id}/events").headers
