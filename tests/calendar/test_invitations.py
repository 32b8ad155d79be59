"""Calendar invitations by email, delivered to a real SMTP server (aiosmtpd)
and read by icalendar, vobject and ical.js."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import icalendar
import pytest

from meetup.extensions import db
from meetup.lib.timezones import utc_to_local
from meetup.mail.transports import SmtpTransport
from meetup.mail.worker import MailWorker
from meetup.models import Event, User
from meetup.models.types import utcnow
from meetup.services.calendar import feeds
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import decisions
from tests.calendar.readers import read_all
from tests.plugins.app import sign_in


def _deliver(app, server) -> None:
    with app.app_context():
        MailWorker(SmtpTransport(server.url, timeout=5), clock=utcnow).deliver_due()


def _calendar_part(message: EmailMessage) -> tuple[str | None, bytes | None]:
    """(the method= parameter, the text/calendar bytes) of a message, if any."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_param("method"), part.get_payload(decode=True)
    return None, None


def _received_by(server, email: str) -> list[EmailMessage]:
    return [message for message in server.received if message["To"] == email]


def _edit(app, host: User, event: Event, **changes) -> None:
    with app.app_context():
        record = db.session.get(Event, event.id)
        local = lambda moment: utc_to_local(moment, record.timezone).replace(tzinfo=None)  # noqa: E731
        values = {
            "title": record.title, "timezone": record.timezone,
            "starts_local": local(record.starts_at), "ends_local": local(record.ends_at),
            "description": record.description, "venue_name": record.venue_name,
            "venue_address": record.venue_address, "capacity": record.capacity,
            **changes,
        }  # fmt: skip
        details = event_details.EventDetails(**values)
        lifecycle.update_event(db.session.get(User, host.id), record, details)
        db.session.commit()


def test_a_lifecycle_yields_request_updates_and_cancel_in_order(
    app, make_user, make_event, reply, smtp_server, tmp_path
):
    host = make_user(display_name="Hedy Host", email="hedy.private@example.net")
    person = make_user(display_name="Pat Person")
    event = make_event(creator=host, title="Founders breakfast")
    reply(person, event)
    _edit(app, host, event, starts_local=utc_to_local(event.starts_at, "Europe/Paris").replace(
        tzinfo=None) + timedelta(hours=1), ends_local=utc_to_local(event.ends_at, "Europe/Paris")
        .replace(tzinfo=None) + timedelta(hours=1))  # fmt: skip
    _edit(app, host, event, title="Founders breakfast, second helping")
    _edit(app, host, event, description="Now with **croissants**.")
    with app.app_context():
        lifecycle.cancel_event(db.session.get(User, host.id), db.session.get(Event, event.id),
                            message="Venue flooded.")  # fmt: skip
        db.session.commit()
    _deliver(app, smtp_server)

    messages = _received_by(smtp_server, person.email)
    parts = [_calendar_part(message) for message in messages]
    with_calendar = [(method, data) for method, data in parts if data is not None]
    methods = [method for method, _ in with_calendar]
    assert methods == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    uids, sequences = set(), []
    for method, data in with_calendar:
        calendar = icalendar.Calendar.from_ical(data)
        assert str(calendar["METHOD"]) == method  # the part's method= equals METHOD
        (vevent,) = calendar.walk("VEVENT")
        uids.add(str(vevent["UID"]))
        sequences.append(int(vevent["SEQUENCE"]))
        organizer = vevent["ORGANIZER"]
        assert str(organizer) == "mailto:noreply@localhost"
        assert organizer.params["CN"] == "Hedy Host"
        attendee = vevent["ATTENDEE"]
        assert str(attendee) == f"mailto:{person.email}"
        if method == "REQUEST":
            assert attendee.params["PARTSTAT"] == "ACCEPTED"
        else:
            assert str(vevent["STATUS"]) == "CANCELLED"
        (seen,) = read_all(data, tmp_path)  # three readers agree
        assert seen.sequence == sequences[-1]
    assert sequences == [0, 1, 2, 3]
    assert uids == {f"{event.uid}@meetup"}
    # The same UID in the download and the feed.
    download = app.test_client().get(f"/events/{event.slug}/calendar.ics").get_data()
    (vevent,) = icalendar.Calendar.from_ical(download).walk("VEVENT")
    assert str(vevent["UID"]) == f"{event.uid}@meetup"
    # The body repeats the essentials and the link.
    going_text = messages[0].get_body(("plain",)).get_content()
    assert "Founders breakfast" in going_text and f"/events/{event.slug}" in going_text
    # No host's address in any message, header or part.
    for message in smtp_server.received:
        assert "hedy.private@example.net" not in message.as_string()


def test_withdraw_then_reply_again_cancels_then_invites_no_lower(
    app, make_user, make_event, reply, smtp_server
):
    event = make_event()
    person = make_user()
    reply(person, event)
    reply(person, event, going=False)
    reply(person, event)
    _deliver(app, smtp_server)
    found = [_calendar_part(m) for m in _received_by(smtp_server, person.email)]
    found = [(method, data) for method, data in found if data]
    assert [method for method, _ in found] == ["REQUEST", "CANCEL", "REQUEST"]
    sequences = [int(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["SEQUENCE"])
                 for _, data in found]  # fmt: skip
    assert sequences[2] >= sequences[1]


def test_removed_and_waitlisted_people_get_what_fits_them(
    app, make_user, make_event, reply, host_acts, smtp_server
):
    host = make_user()
    event = make_event(creator=host, capacity=1)
    going, waiting = make_user(), make_user()
    seat = reply(going, event)
    reply(waiting, event)
    host_acts(decisions.remove, host, seat, reason="Sorry")
    _deliver(app, smtp_server)
    removed = [_calendar_part(m)[0] for m in _received_by(smtp_server, going.email)]
    promoted = [_calendar_part(m)[0] for m in _received_by(smtp_server, waiting.email)]
    assert removed == ["REQUEST", "CANCEL"]
    assert promoted == [None, "REQUEST"]  # waitlisted (no calendar), then promoted


def test_a_description_change_sends_nothing_and_an_update_reaches_all_going_in_bulk(
    app, make_user, make_event, reply, count_queries, outbox
):
    host = make_user()
    event = make_event(creator=host)
    people = [make_user() for _ in range(12)]
    for person in people:
        reply(person, event)
    before = len(outbox.messages())
    _edit(app, host, event, description="Only words.")
    assert len(outbox.messages()) == before
    with count_queries() as queries:
        _edit(app, host, event, venue_name="A bigger room")
    updates = [m for m in outbox.messages() if m.template == "event_changed"]
    assert {m.recipient for m in updates} == {p.email for p in people}
    assert all(m.calendar_method == "REQUEST" for m in updates)
    assert queries.count < 25  # one INSERT for all, not one per person


def test_the_reminder_setting_adds_an_alarm_to_invitations_and_downloads(
    app, make_user, make_event, reply, smtp_server
):
    person = make_user()
    with app.app_context():
        feeds.set_alarm(db.session.get(User, person.id), 60)
        db.session.commit()
    event = make_event()
    reply(person, event)
    _deliver(app, smtp_server)
    (message,) = _received_by(smtp_server, person.email)
    _, data = _calendar_part(message)
    (alarm,) = icalendar.Calendar.from_ical(data).walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm["DESCRIPTION"]
    assert alarm.decoded("TRIGGER") == -timedelta(hours=1)
    client = app.test_client()
    sign_in(client, person)
    download = client.get(f"/events/{event.slug}/calendar.ics").get_data()
    assert icalendar.Calendar.from_ical(download).walk("VALARM")
    stranger = app.test_client().get(f"/events/{event.slug}/calendar.ics").get_data()
    assert not icalendar.Calendar.from_ical(stranger).walk("VALARM")


def test_the_reminder_setting_refuses_other_values(app, make_user):
    person = make_user()
    client = app.test_client()
    sign_in(client, person)
    response = client.submit(
        "/account/calendar/reminder", {"alarm_minutes": "7"}, page="/account/calendar"
    )
    assert response.status_code == 422
    assert "Choose one of the options." in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["title", "venue_name", "venue_address"])
def test_user_text_cannot_add_calendar_lines(app, make_user, make_event, reply, outbox, field):
    evil = "Nice\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected"
    event = make_event(**{field: evil, "title": "T" if field != "title" else evil})
    person = make_user()
    reply(person, event)
    from meetup.mail.compose import build_message

    with app.app_context():
        message = build_message(outbox.last(person.email))
    _, data = _calendar_part(message)
    calendar = icalendar.Calendar.from_ical(data)
    assert len(calendar.walk("VEVENT")) == 1
    assert "\r\nSUMMARY:Injected" not in data.decode()
    assert "\n" not in message["Subject"]


@pytest.mark.parametrize("cancelled", [False, True])
def test_an_invitation_says_what_the_download_says(
    app, make_user, make_event, reply, outbox, cancelled
):
    """One builder: an invitation's VEVENT is the downloaded file's, plus
    ORGANIZER and ATTENDEE (and METHOD on its calendar); DTSTAMP is when each
    was made. The reminder is in both, or (cancelled) in neither."""
    host = make_user()
    person = make_user()
    with app.app_context():
        feeds.set_alarm(db.session.get(User, person.id), 60)
        db.session.commit()
    event = make_event(
        creator=host, topics=["python", "design"], online_url="https://meet.example.org/x"
    )
    reply(person, event)
    if cancelled:
        with app.app_context():
            lifecycle.cancel_event(db.session.get(User, host.id), db.session.get(Event, event.id),
                                message="Venue flooded.")  # fmt: skip
            db.session.commit()
    from meetup.mail.compose import build_message

    with app.app_context():
        message = build_message(outbox.last(person.email))
    method, data = _calendar_part(message)
    invitation = icalendar.Calendar.from_ical(data)
    client = app.test_client()
    sign_in(client, person)
    download = icalendar.Calendar.from_ical(client.get(f"/events/{event.slug}/calendar.ics").data)

    assert str(invitation["METHOD"]) == method == ("CANCEL" if cancelled else "REQUEST")
    assert "METHOD" not in download
    (sent,) = invitation.walk("VEVENT")
    (kept,) = download.walk("VEVENT")
    assert set(sent) == set(kept) | {"ORGANIZER", "ATTENDEE"}
    assert {"CREATED", "CATEGORIES", "LOCATION"} <= set(kept)
    for name in set(kept) - {"DTSTAMP"}:
        assert sent[name].to_ical() == kept[name].to_ical(), name
    alarms = [[alarm.to_ical() for alarm in vevent.walk("VALARM")] for vevent in (sent, kept)]
    assert alarms[0] == alarms[1]
    assert len(alarms[0]) == (0 if cancelled else 1)


def test_an_invitation_queued_before_created_and_categories_still_builds(
    app, make_user, make_event, reply, outbox
):
    person = make_user()
    event = make_event(topics=["python"])
    reply(person, event)
    from meetup.services.calendar.invitations import invitation_file

    with app.app_context():
        snapshot = dict(outbox.last(person.email).context["invitation"])
        del snapshot["created"], snapshot["categories"]  # as the old code stored it
        text = invitation_file(snapshot, attendee_email=person.email, attendee_name="P",
                               alarm_minutes=15, now=utcnow())  # fmt: skip
    (vevent,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert "CREATED" not in vevent and "CATEGORIES" not in vevent
    assert str(vevent["UID"]) == f"{event.uid}@meetup" and vevent.walk("VALARM")
