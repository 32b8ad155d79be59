"""Account deletion leaves no event that nobody can run: the longest-serving
co-host becomes the creator; an upcoming event with no host left is cancelled
the usual way (one email per person, the calendar CANCEL for those going);
a past event keeps its history, hostless."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, EventHost, EventStatus, HostRole, User
from meetup.models.types import utcnow
from meetup.services.personal_data import registry
from tests.plugins.app import DEFAULT_PASSWORD, sign_in


def _delete_through_the_page(app, person):
    client = app.test_client()
    sign_in(client, person)
    response = client.submit("/account/delete", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 303


def _hosts(app, event):
    with app.app_context():
        record = db.session.get(Event, event.id)
        roles = {host.user_id: host.role for host in record.hosts}
        return record.status, record.created_by_id, roles


def test_the_longest_serving_cohost_becomes_the_creator(app, make_user, make_event, outbox):
    creator, first, second = make_user(), make_user(), make_user()
    event = make_event(creator=creator, cohosts=(first, second))
    with app.app_context():  # whatever the order of rows, the earliest acceptance wins
        db.session.execute(
            EventHost.__table__.update()
            .where(EventHost.user_id == second.id)
            .values(added_at=utcnow() - timedelta(days=30))
        )
        db.session.commit()
    _delete_through_the_page(app, creator)
    status, created_by, roles = _hosts(app, event)
    assert status == EventStatus.PUBLISHED
    assert created_by == second.id
    assert roles == {second.id: HostRole.CREATOR, first.id: HostRole.COHOST}
    # The new creator runs the hosts again; the other co-host still cannot.
    heir = app.test_client()
    sign_in(heir, second)
    assert heir.submit(f"/events/{event.slug}/hosts", {"email": "x@example.org"}).status_code == 303
    other = app.test_client()
    sign_in(other, first)
    assert (
        other.submit(f"/events/{event.slug}/hosts", {"email": "y@example.org"}).status_code == 403
    )


def test_an_upcoming_event_without_hosts_is_cancelled_with_one_email_each(
    app, make_user, make_event, reply, outbox
):
    host = make_user()
    event = make_event(creator=host, capacity=1, online_url="https://meet.example.org/r")
    going, waitlisted, pending = (make_user(email=f"{who}@example.org")
                                  for who in ("going", "waitlisted", "pending"))  # fmt: skip
    reply(going, event), reply(waitlisted, event)
    with app.app_context():
        db.session.get(Event, event.id).is_approval_required = True
        db.session.commit()
    reply(pending, event)
    before = len(outbox.messages())
    _delete_through_the_page(app, host)
    status, _, roles = _hosts(app, event)
    assert status == EventStatus.CANCELLED and roles == {}
    sent = outbox.messages()[before:]
    assert Counter(message.recipient for message in sent) == {
        "going@example.org": 1, "waitlisted@example.org": 1, "pending@example.org": 1,
    }  # fmt: skip
    by_person = {message.recipient: message for message in sent}
    assert all(message.template == "event_cancelled" for message in sent)
    assert by_person["going@example.org"].calendar_method == "CANCEL"
    assert by_person["going@example.org"].context["invitation"]["organizer_name"] == "Meetup"


def test_a_past_event_keeps_its_history_hostless(app, make_user, make_event, reply, outbox):
    host, guest = make_user(), make_user()
    event = make_event(creator=host)
    reply(guest, event)
    with app.app_context():
        record = db.session.get(Event, event.id)
        record.starts_at = utcnow() - timedelta(days=3)
        record.ends_at = record.starts_at + timedelta(hours=2)
        db.session.commit()
    before = len(outbox.messages())
    with app.app_context():
        registry.delete_account(db.session.get(User, host.id), password=DEFAULT_PASSWORD)
        db.session.commit()
    status, created_by, roles = _hosts(app, event)
    assert status == EventStatus.PUBLISHED and roles == {} and created_by == host.id
    assert outbox.messages()[before:] == []
    assert app.test_client().get(f"/events/{event.slug}").status_code == 200


def test_a_cohost_leaving_changes_nothing_else(app, make_user, make_event, reply, outbox):
    creator, cohost = make_user(), make_user()
    event = make_event(creator=creator, cohosts=(cohost,))
    reply(make_user(), event)
    before = len(outbox.messages())
    _delete_through_the_page(app, cohost)
    status, created_by, roles = _hosts(app, event)
    assert (status, created_by, roles) == (
        EventStatus.PUBLISHED,
        creator.id,
        {creator.id: HostRole.CREATOR},
    )
    assert outbox.messages()[before:] == []
    with app.app_context():
        assert (
            db.session.scalars(select(EventHost).where(EventHost.user_id == cohost.id)).all() == []
        )


def test_a_draft_goes_unless_a_cohost_shares_it(app, make_user, make_event):
    creator, cohost = make_user(), make_user()
    shared = make_event(creator=creator, cohosts=(cohost,), publish=False)
    alone = make_event(creator=creator, publish=False)
    _delete_through_the_page(app, creator)
    assert _hosts(app, shared) == (EventStatus.DRAFT, cohost.id, {cohost.id: HostRole.CREATOR})
    with app.app_context():
        assert db.session.get(Event, alone.id) is None
