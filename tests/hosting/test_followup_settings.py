"""The hosts' say in the follow-up: their message, when it goes, and the
event's history that records each change."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.timezones import utc_to_local
from meetup.models import Event, EventChange, FollowupSending, User
from meetup.models.types import utcnow
from meetup.services.events.event_details import details_from
from meetup.services.hosting import lifecycle
from meetup.services.personal_data import registry
from tests.plugins.app import DEFAULT_PASSWORD, sign_in


def _client(app, user):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def _save(client, slug, **data):
    token = client.csrf_token(f"/events/{slug}/follow-up")
    return client.post(f"/events/{slug}/follow-up", data={"csrf_token": token, **data})


def _event(app, event_id) -> Event:
    return db.session.get(Event, event_id)


def _move_into_the_past(app, event, *, days=2):
    with app.app_context():
        record = db.session.get(Event, event.id)
        record.starts_at = utcnow() - timedelta(days=days)
        record.ends_at = record.starts_at + timedelta(hours=2)
        db.session.commit()


def _history(app, event):
    with app.app_context():
        return db.session.scalars(
            select(EventChange.summary).where(EventChange.event_id == event.id)
            .order_by(EventChange.id)
        ).all()  # fmt: skip


@pytest.fixture
def world(app, make_user, make_event, reply):
    host = make_user(display_name="Hanna Host")
    cohost = make_user(display_name="Cole Cohost")
    event = make_event(creator=host, cohosts=(cohost,))
    attendee = make_user(display_name="Ada Attendee")
    reply(attendee, event)
    return {"event": event, "host": host, "cohost": cohost, "attendee": attendee,
            "member": make_user(display_name="Mo Member"), "anonymous": None}  # fmt: skip


def test_a_host_writes_a_message_and_chooses_when_it_goes(app, world):
    event = world["event"]
    client = _client(app, world["cohost"])
    response = _save(client, event.slug, message="Thank you **all**!\n<script>x()</script>",
                     sending="never")  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        saved = _event(app, event.id)
        assert saved.followup_sending == FollowupSending.NEVER
        assert "<strong>all</strong>" in saved.followup_message_html
        assert "<script>" not in saved.followup_message_html
    page = client.get(f"/events/{event.slug}/follow-up").get_data(as_text=True)
    assert "Thank you **all**!" in page  # the source, to edit
    assert "Wrote the follow-up message, by Cole Cohost" in page
    assert "Follow-up: don&#39;t send, by Cole Cohost" in page


def test_saving_the_same_again_records_nothing(app, world):
    event = world["event"]
    client = _client(app, world["host"])
    _save(client, event.slug, message="Hello", sending="automatic")
    _save(client, event.slug, message="Hello", sending="automatic")
    assert _history(app, event).count("Wrote the follow-up message") == 1
    _save(client, event.slug, message="Hello again", sending="automatic")
    _save(client, event.slug, message="", sending="automatic")
    assert _history(app, event)[-2:] == [
        "Changed the follow-up message",
        "Removed the follow-up message",
    ]


@pytest.mark.parametrize("who", ["anonymous", "member", "attendee"])
def test_only_hosts_change_the_follow_up(app, world, who):
    event = world["event"]
    client = _client(app, world[who])
    token = client.csrf_token("/login" if who == "anonymous" else "/")
    data = {"csrf_token": token, "message": "Hi", "sending": "never"}
    response = client.post(f"/events/{event.slug}/follow-up", data=data)
    assert response.status_code == (302 if who == "anonymous" else 403)
    with app.app_context():
        assert _event(app, event.id).followup_sending == FollowupSending.AUTOMATIC
        assert _event(app, event.id).followup_message == ""


def test_send_now_waits_for_the_end_of_the_event(app, world):
    event = world["event"]
    client = _client(app, world["host"])
    response = _save(client, event.slug, message="Thanks", sending="now")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="sending-error"' in page and "has not ended yet" in page
    with app.app_context():
        assert _event(app, event.id).followup_message == ""  # nothing half-saved
    _move_into_the_past(app, event)
    assert _save(client, event.slug, message="Thanks", sending="now").status_code == 303
    with app.app_context():
        assert _event(app, event.id).followup_sending == FollowupSending.NOW


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": "x", "sending": "tomorrow"}, "sending"),
        ({"message": "x", "sending": ""}, "sending"),
        ({"message": "x" * 5001, "sending": "automatic"}, "message"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(app, world, data, field):
    response = _save(_client(app, world["host"]), world["event"].slug, **data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_a_cancelled_event_sends_no_follow_up(app, world):
    event = world["event"]
    with app.app_context():
        lifecycle.cancel_event(db.session.get(User, world["host"].id), _event(app, event.id))
        db.session.commit()
    client = _client(app, world["host"])
    assert "sends no follow-up" in client.get(f"/events/{event.slug}/follow-up").get_data(
        as_text=True
    )
    response = _save(client, event.slug, message="Hi", sending="automatic")
    assert response.status_code == 422
    assert "A cancelled event sends no follow-up." in response.get_data(as_text=True)


def test_the_next_edition_starts_without_the_follow_up_choices(app, world):
    event = world["event"]
    client = _client(app, world["host"])
    _move_into_the_past(app, event)
    _save(client, event.slug, message="See you next time", sending="now")
    with app.app_context():
        copy = lifecycle.copy_event(db.session.get(User, world["host"].id), _event(app, event.id),
                                 weeks=4)  # fmt: skip
        assert copy.followup_message == "" and copy.followup_message_html == ""
        assert copy.followup_sending == FollowupSending.AUTOMATIC


def test_the_history_records_edits_publishing_and_cancelling(app, world, make_event):
    host = world["host"]
    draft = make_event(creator=host, publish=False, capacity=10)
    with app.app_context():
        actor = db.session.get(User, host.id)
        record = _event(app, draft.id)
        local = utc_to_local(record.starts_at, record.timezone).replace(tzinfo=None)
        unchanged = details_from(record, starts_local=local, ends_local=local + timedelta(hours=2),
                                 topics=[])  # fmt: skip
        lifecycle.update_event(actor, record, unchanged)
        lifecycle.update_event(actor, record, replace(unchanged, title="A new title", capacity=20))
        lifecycle.publish_event(actor, record)
        lifecycle.cancel_event(actor, record)
        db.session.commit()
    assert _history(app, draft) == [
        "Changed the title and capacity",
        "Published the event",
        "Cancelled the event",
    ]


def test_deleting_a_host_keeps_the_history_by_nobody(app, world):
    event = world["event"]
    _save(_client(app, world["cohost"]), event.slug, message="Hi", sending="automatic")
    with app.app_context():
        cohost = db.session.get(User, world["cohost"].id)
        assert registry.export_user_data(cohost)["event_changes"] == [
            {"event": event.slug, "summary": "Wrote the follow-up message",
             "changed_at": registry.export_user_data(cohost)["event_changes"][0]["changed_at"]}
        ]  # fmt: skip
        registry.delete_account(cohost, password=DEFAULT_PASSWORD)
        db.session.commit()
        change = db.session.scalars(
            select(EventChange).where(EventChange.summary == "Wrote the follow-up message")
        ).one()
        assert change.actor_id is None and change.event_id == event.id
    page = _client(app, world["host"]).get(f"/events/{event.slug}/follow-up").get_data(as_text=True)
    assert "Wrote the follow-up message, by a former host" in page
