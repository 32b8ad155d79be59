"""No input a stranger can type produces a server error (issue 18): one test per
cause of the 62 server errors the security review found. tests/test_no_server_errors.py
throws random and hostile values at every route on top of these."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.mail.compose import build_message
from meetup.models import Event, OutboxMessage, User
from meetup.models.types import utcnow
from meetup.outbox import Mail, queue_mail
from meetup.services.events import event_details, event_listing
from meetup.services.hosting import lifecycle

HUGE = "99999999999999999999"
NEXT_YEAR = utcnow().year + 1


def _event_form(**overrides: str) -> dict[str, str]:
    return {
        "title": "Founders breakfast",
        "timezone": "Europe/Paris",
        "starts_at": f"{NEXT_YEAR}-06-10T08:00",
        "ends_at": f"{NEXT_YEAR}-06-10T10:00",
        "venue_name": "Station F",
        "visibility": "public",
        "directory_visibility": "attendees",
        **overrides,
    }


def _field_error(html: str, field: str) -> str:
    """The text of the error shown next to `field` (the form macro's markup)."""
    marker = f'id="{field}-error"'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</", 1)[0]


# 1. Out-of-range dates in the listing filters


@pytest.mark.parametrize("path", ["/events", "/events/past", "/topics/python"])
@pytest.mark.parametrize("argument", ["starts_until=9999-12-31", "starts_from=0001-01-01"])
def test_far_dates_in_listing_filters_are_refused_at_the_field(client, path, argument) -> None:
    response = client.get(f"{path}?{argument}")
    assert response.status_code == 200
    field = argument.split("=")[0]
    assert "between 1970 and 2199" in _field_error(response.get_data(as_text=True), field)


def test_listing_service_takes_any_date(app) -> None:
    with app.app_context():
        for past in (False, True):
            filters = event_listing.EventFilters(
                starts_from=date.min, starts_until=date.max, past=past
            )
            assert event_listing.list_events(filters, now=utcnow()).items == []


# 2. Integers too big for the database, and control characters in URL variables


def test_huge_ids_in_urls_are_not_found(app, client, auth, make_user, make_event) -> None:
    host = make_user()
    event = make_event(creator=host)
    auth.login(host.email)
    base = f"/events/{event.slug}"
    for path in (
        f"/people/{HUGE}",
        f"/people/{HUGE}/events",
        f"/people/{HUGE}/calendar.ics",
        f"{base}/replies/{HUGE}",
        f"{base}/questions/{HUGE}",
    ):
        assert client.get(path).status_code == 404, path
    token = client.csrf_token(f"{base}/replies")
    for path in (
        f"{base}/replies/{HUGE}/approve",
        f"{base}/replies/{HUGE}/promote",
        f"{base}/replies/{HUGE}/decline",
        f"{base}/replies/{HUGE}/remove",
        f"{base}/check-in/{HUGE}",
        f"{base}/check-in/{HUGE}/undo",
        f"{base}/hosts/{HUGE}/remove",
        f"{base}/questions/{HUGE}/remove",
    ):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path


def test_every_route_with_an_id_uses_the_id_converter(app) -> None:
    from meetup.routing import IdConverter

    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if name.endswith("_id"):
                assert isinstance(converter, IdConverter), rule.rule


def test_ids_up_to_the_largest_database_integer_reach_the_view(app) -> None:
    from werkzeug.exceptions import NotFound

    urls = app.url_map.bind("localhost")
    assert urls.match("/people/2147483647") == ("profiles.detail", {"person_id": 2147483647})
    for path in ("/people/2147483648", "/people/0", "/people/-1"):
        with pytest.raises(NotFound):
            urls.match(path)


def test_links_built_once_for_a_list_match_url_for(app) -> None:
    """url_for_each (the cards' links) quotes each value as url_for would."""
    from flask import url_for

    from meetup.routing import url_for_each

    values = ["python", "a b", "c++ & ml", "100%", "a/b", "?#", "café", "東京", "x'y\"z", "<b>"]
    with app.test_request_context("/events", base_url="http://localhost/prefix"):
        for endpoint, vary in (("events.detail", "slug"), ("events.topic", "topic")):
            each = url_for_each(endpoint, vary)
            for value in values:
                assert each(value) == url_for(endpoint, **{vary: value}), value
        with pytest.raises(ValueError):
            url_for_each("events.index", "page")  # not a path segment


@pytest.mark.parametrize("path", ["/events", "/events/past", "/topics/python"])
def test_huge_page_numbers_are_not_found(client, path) -> None:
    assert client.get(f"{path}?page={HUGE}").status_code == 404
    assert client.get(f"{path}?page=-3").status_code == 200
    assert client.get(f"{path}?page=two").status_code == 200


def test_huge_page_of_a_directory_is_not_found(client, auth, make_user, make_event) -> None:
    host = make_user()
    event = make_event(creator=host)
    auth.login(host.email)
    assert client.get(f"/events/{event.slug}/people?page={HUGE}").status_code == 404
    assert client.get(f"/events/{event.slug}/people?page=2").status_code == 200


def test_control_characters_in_url_variables_are_not_found(
    client, auth, make_user, make_event
) -> None:
    host = make_user()
    event = make_event(creator=host)
    auth.login(host.email)
    for path in ("/events/a%00b", "/events/a%00b/calendar.ics", "/calendar/%00.ics",
                 "/topics/%00", "/topics/%1b/calendar.ics", "/verify-email/%00"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    response = client.get(f"/events/{event.slug}/check-in?q=%00Person")
    assert response.status_code == 200


# 3. The reply form without a choice, or with an unknown one


@pytest.mark.parametrize("data", [{}, {"response": "maybe"}, {"response": ""}])
def test_reply_without_a_known_choice_is_refused(client, auth, make_user, make_event, data):
    event = make_event()
    auth.login(make_user().email)
    url = f"/events/{event.slug}/rsvp"
    response = client.submit(url, data, page=f"/events/{event.slug}")
    assert response.status_code == 422
    assert "Choose whether you are going." in response.get_data(as_text=True)


# 4. Malformed web addresses


@pytest.mark.parametrize("link", ["https://[::1", "http://[not-an-ip]/", "https://host:99999/"])
def test_malformed_online_link_is_refused_at_its_field(client, auth, make_user, link) -> None:
    auth.login(make_user().email)
    response = client.submit("/events/new", _event_form(online_url=link, venue_name=""))
    assert response.status_code == 422
    assert "is not a web address" in _field_error(response.get_data(as_text=True), "online_url")


def test_malformed_profile_link_is_refused_at_its_field(client, auth, make_user) -> None:
    auth.login(make_user().email)
    response = client.submit(
        "/profile/edit", {"display_name": "Ada", "timezone": "UTC", "links": "https://[::1"}
    )
    assert response.status_code == 422
    assert "is not a web address" in _field_error(response.get_data(as_text=True), "links")


# 5. Times that overflow between zones


@pytest.mark.parametrize(
    ("zone", "field", "values"),
    [
        ("America/New_York", "starts_at",
         {"starts_at": "9999-12-31T22:00", "ends_at": "9999-12-31T23:00"}),
        ("Asia/Tokyo", "starts_at",
         {"starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T02:00"}),
        ("UTC", "starts_at",  # fine in UTC, but east of it the year would be 10000
         {"starts_at": "9999-12-31T20:00", "ends_at": "9999-12-31T21:00"}),
        ("Asia/Tokyo", "rsvp_deadline", {"rsvp_deadline": "0001-01-01T00:00"}),
        ("Europe/Paris", "rsvp_deadline", {"rsvp_deadline": "1969-12-31T23:00"}),
    ],
)  # fmt: skip
def test_times_outside_the_event_range_are_refused(client, auth, make_user, zone, field, values):
    auth.login(make_user().email)
    response = client.submit("/events/new", _event_form(timezone=zone, **values))
    assert response.status_code == 422
    assert "between 1970 and 2199" in _field_error(response.get_data(as_text=True), field)


def test_editing_to_a_far_year_is_refused(client, auth, make_user, make_event) -> None:
    host = make_user()
    event = make_event(creator=host)
    auth.login(host.email)
    url = f"/events/{event.slug}/edit"
    values = {"starts_at": "9999-12-31T23:00", "ends_at": "9999-12-31T23:30"}
    response = client.submit(url, _event_form(timezone="Pacific/Kiritimati", **values))
    assert response.status_code == 422


def test_the_service_bounds_event_times_too(app, make_user) -> None:
    person = make_user()
    with app.app_context():
        actor = db.session.get(User, person.id)
        for start in (datetime(1, 1, 1, 0, 0), datetime(9999, 12, 31, 22, 0),
                      datetime(2200, 1, 1, 0, 0)):  # fmt: skip
            details = event_details.EventDetails(
                title="Far away", timezone="Asia/Tokyo", venue_name="Somewhere",
                starts_local=start, ends_local=start + timedelta(minutes=30),
            )  # fmt: skip
            with pytest.raises(InvalidInput) as refused:
                lifecycle.create_event(actor, details)
            assert refused.value.field == "starts_at"


def test_a_copy_past_the_range_is_refused(app, client, auth, make_user, make_event) -> None:
    host = make_user()
    event = make_event(
        creator=host,
        timezone="Pacific/Kiritimati",
        starts_local=datetime(2199, 12, 20, 18, 0),
        ends_local=datetime(2199, 12, 20, 20, 0),
    )
    auth.login(host.email)
    response = client.submit(f"/events/{event.slug}/copy", {"weeks": "2"})
    assert response.status_code == 422
    assert "between 1970 and 2199" in _field_error(response.get_data(as_text=True), "weeks")
    with app.app_context():
        assert len(db.session.scalars(select(Event).where(Event.title == event.title)).all()) == 1
    # Shown to someone far east and far west of it, and replied to.
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        with app.app_context():
            db.session.get(User, host.id).timezone = zone
            db.session.commit()
        assert client.get(f"/events/{event.slug}").status_code == 200
    guest = make_user()
    with app.app_context():
        db.session.get(User, guest.id).timezone = "Asia/Tokyo"
        db.session.commit()
    auth.logout()
    auth.login(guest.email)
    reply = client.submit(f"/events/{event.slug}/rsvp", {"response": "going"},
                          page=f"/events/{event.slug}")  # fmt: skip
    assert reply.status_code == 303
    assert client.get(f"/events/{event.slug}/calendar.ics").status_code == 200


# 6. Requests bigger than 1 MB


class _Unreadable(io.RawIOBase):
    """A request body of a megabyte and a byte that fails the test if the app reads it."""

    size = 1024 * 1024 + 1
    position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = self.size + offset if whence == io.SEEK_END else offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        raise AssertionError("the app read a body it should have refused")


@pytest.mark.parametrize("path", ["/login", "/events/new", "/no-such-page"])
def test_bodies_over_a_megabyte_are_refused_unread(client, path) -> None:
    response = client.post(
        path,
        input_stream=_Unreadable(),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


def test_a_form_field_over_its_limit_is_refused(client, auth, make_user) -> None:
    auth.login(make_user().email)
    token = client.csrf_token("/profile/edit")
    response = client.post(
        "/profile/edit",
        data={"csrf_token": token, "bio": "x" * 600_000},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


# 7. Encoded words in text that goes into a header


@pytest.mark.parametrize(
    "subject",
    [
        "Drinks =?utf-8?q?=0ABcc:_spy@example.org?= tonight",
        "=?utf-8?b?SGVsbG8=?=",
        "Café =?iso-8859-1?q?caf=E9?=",
        "a=?b?c?=d",
    ],
)
def test_encoded_words_reach_the_subject_as_typed(app, subject) -> None:
    with app.app_context():
        queue_mail(
            Mail(to="ada@example.org", subject=subject, template="verify_email",
                 dedupe_key="encoded-words",
                 context={"name": "Ada", "url": "https://x.example/", "valid_for": "1 day"})
        )  # fmt: skip
        row = db.session.scalar(select(OutboxMessage))
        parsed = message_from_bytes(build_message(row).as_bytes(), policy=policy.default)
    assert parsed["Subject"] == subject
    assert parsed["Bcc"] is None
