"""Seats, the waitlist and the hosts' decisions, through the services."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, PermissionDenied
from meetup.lib.timezones import utc_to_local
from meetup.models import Event, Rsvp, RsvpChange, User
from meetup.models.types import utcnow
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import decisions
from tests.plugins.replies import waitlist_positions


def test_seats_go_in_order_then_the_waitlist_numbers_people(
    app, make_user, make_event, reply, lineup, outbox
):
    event = make_event(capacity=2)
    a, b, c, d = (make_user() for _ in range(4))
    assert reply(a, event).status.value == "going"
    assert reply(b, event).status.value == "going"
    third = reply(c, event)
    assert (third.status.value, third.waitlist_position) == ("waitlisted", 1)
    assert reply(d, event).waitlist_position == 2
    assert outbox.last(c.email).subject == f"You're number 1 on the waitlist: {event.title}"
    assert outbox.last(a.email).subject == f"You're going: {event.title}"


def test_a_withdrawal_promotes_the_head_of_the_waitlist_in_the_same_transaction(
    app, make_user, make_event, reply, lineup, outbox
):
    event = make_event(capacity=1)
    a, b, c = (make_user() for _ in range(3))
    reply(a, event), reply(b, event), reply(c, event)
    reply(a, event, going=False)
    assert lineup(event) == {
        a.display_name: ("not_going", None),
        b.display_name: ("going", None),
        c.display_name: ("waitlisted", 1),
    }
    promoted = outbox.last(b.email)
    assert promoted.subject == f"A seat opened up, you're going: {event.title}"
    assert promoted.context["notice"] == "promoted"
    assert outbox.last(a.email).context["notice"] == "withdrawn"


def test_a_party_goes_only_when_all_of_it_fits_and_a_smaller_one_may_go_first(
    app, make_user, make_event, reply, lineup
):
    event = make_event(capacity=2, guest_limit=2)
    a, b, trio, solo = (make_user() for _ in range(4))
    reply(a, event), reply(b, event)
    assert reply(trio, event, guests=2).waitlist_position == 1
    assert reply(solo, event).waitlist_position == 2
    reply(a, event, going=False)  # one seat: the party of three waits, the one behind goes
    assert lineup(event)[trio.display_name] == ("waitlisted", 1)
    assert lineup(event)[solo.display_name] == ("going", None)
    reply(b, event, going=False)  # two seats: still not three
    assert lineup(event)[trio.display_name] == ("waitlisted", 1)


def test_raising_the_capacity_promotes_in_the_same_save(app, make_user, make_event, reply, lineup):
    host = make_user()
    event = make_event(creator=host, capacity=1, guest_limit=2)
    a, trio, b = (make_user() for _ in range(3))
    reply(a, event), reply(trio, event, guests=2), reply(b, event)
    with app.app_context():
        record = db.session.get(Event, event.id)
        local = utc_to_local(record.starts_at, record.timezone).replace(tzinfo=None)
        details = event_details.EventDetails(
            title=record.title, timezone=record.timezone, starts_local=local,
            ends_local=local + timedelta(hours=2), venue_name=record.venue_name,
            capacity=4, guest_limit=2,
        )  # fmt: skip
        lifecycle.update_event(db.session.get(User, host.id), record, details)
        db.session.commit()
    assert lineup(event)[trio.display_name] == ("going", None)
    assert lineup(event)[b.display_name] == ("waitlisted", 1)  # 1 + 3 = 4 seats taken


def test_the_waitlist_stops_moving_at_the_deadline(app, make_user, make_event, reply, lineup):
    deadline = (utcnow() + timedelta(days=3)).astimezone(ZoneInfo("Europe/Paris"))
    event = make_event(
        capacity=1, rsvp_deadline_local=deadline.replace(tzinfo=None, second=0, microsecond=0)
    )
    a, b = make_user(), make_user()
    reply(a, event), reply(b, event)
    after_deadline = utcnow() + timedelta(days=4)
    reply(a, event, going=False, now=after_deadline)  # withdrawing is still allowed
    assert lineup(event)[b.display_name] == ("waitlisted", 1)
    late = make_user()
    with pytest.raises(InvalidInput, match="Replies closed on"):
        reply(late, event, now=after_deadline)


def test_no_reply_once_the_event_has_started(app, make_user, make_event, reply):
    event = make_event()
    person = make_user()
    reply(person, event)
    with pytest.raises(InvalidInput, match="has started"):
        reply(person, event, going=False, now=event.starts_at + timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="over"):
        reply(make_user(), event, now=event.ends_at + timedelta(minutes=1))


def test_more_guests_must_fit_and_fewer_guests_free_seats(
    app, make_user, make_event, reply, lineup
):
    event = make_event(capacity=3, guest_limit=2)
    a, b = make_user(), make_user()
    reply(a, event, guests=1)
    reply(b, event)
    with pytest.raises(InvalidInput, match="No seats are left") as refused:
        reply(a, event, guests=2)
    assert refused.value.field == "guests"
    assert lineup(event)[a.display_name] == ("going", None)
    c = make_user()
    reply(c, event)  # waitlisted
    reply(a, event, guests=0)
    assert lineup(event)[c.display_name] == ("going", None)


def test_the_same_reply_twice_changes_nothing(app, make_user, make_event, reply, outbox):
    event = make_event(capacity=5)
    person = make_user()
    first = reply(person, event)
    again = reply(person, event)
    assert first.id == again.id and again.status.value == "going"
    assert len(outbox.messages(person.email)) == 1
    with app.app_context():
        assert len(db.session.scalars(select(RsvpChange)).all()) == 1


def test_guests_are_checked(app, make_user, make_event, reply):
    no_guests = make_event()
    with_two = make_event(guest_limit=2)
    person = make_user()
    with pytest.raises(InvalidInput, match="does not take guests"):
        reply(person, no_guests, guests=1)
    with pytest.raises(InvalidInput, match="at most 2 guests"):
        reply(person, with_two, guests=3)
    with pytest.raises(InvalidInput, match="negative"):
        reply(person, with_two, guests=-1)


def test_unverified_members_cannot_reply(app, make_user, make_event, reply):
    with pytest.raises(PermissionDenied, match="Confirm your email"):
        reply(make_user(verified=False), make_event())


def test_no_reply_to_a_cancelled_event(app, make_user, make_event, reply):
    host = make_user()
    event = make_event(creator=host)
    with app.app_context():
        lifecycle.cancel_event(db.session.get(User, host.id), db.session.get(Event, event.id))
        db.session.commit()
    with pytest.raises(InvalidInput, match="cancelled"):
        reply(make_user(), event)


def test_approval_mode_pending_then_approved_by_capacity_or_declined(
    app, make_user, make_event, reply, host_acts, lineup, outbox
):
    host = make_user()
    event = make_event(creator=host, capacity=1, is_approval_required=True)
    a, b, c = (make_user() for _ in range(3))
    requests = [reply(person, event) for person in (a, b, c)]
    assert {r.status.value for r in requests} == {"pending"}
    assert outbox.last(a.email).context["notice"] == "pending"
    host_acts(decisions.approve, host, requests[0])
    host_acts(decisions.approve, host, requests[1])
    host_acts(decisions.decline, host, requests[2], reason="We are full of investors.")
    assert lineup(event) == {
        a.display_name: ("going", None),
        b.display_name: ("waitlisted", 1),
        c.display_name: ("declined", None),
    }
    assert outbox.last(a.email).subject == f"Approved, you're going: {event.title}"
    assert outbox.last(b.email).subject.startswith("Approved, you're number 1 on the waitlist")
    declined = outbox.last(c.email)
    assert declined.context["notice"] == "declined"
    assert declined.context["note"] == "We are full of investors."
    with pytest.raises(PermissionDenied, match="declined"):
        reply(c, event)


def test_a_host_replying_to_their_own_event_needs_no_approval(app, make_user, make_event, reply):
    host = make_user()
    event = make_event(creator=host, is_approval_required=True)
    assert reply(host, event).status.value == "going"


def test_removing_someone_frees_their_seat_and_tells_them_why(
    app, make_user, make_event, reply, host_acts, lineup, outbox
):
    host = make_user()
    event = make_event(creator=host, capacity=1)
    a, b = make_user(), make_user()
    going = reply(a, event)
    reply(b, event)
    host_acts(decisions.remove, host, going, reason="Duplicate account.")
    assert lineup(event) == {a.display_name: ("removed", None), b.display_name: ("going", None)}
    removed = outbox.last(a.email)
    assert (
        removed.context["notice"] == "removed" and removed.context["note"] == "Duplicate account."
    )
    with pytest.raises(PermissionDenied, match="removed you"):
        reply(a, event)


def test_only_hosts_decide(app, make_user, make_event, reply, host_acts):
    event = make_event(is_approval_required=True)
    request = reply(make_user(), event)
    with pytest.raises(PermissionDenied):
        host_acts(decisions.approve, make_user(), request)


def test_every_change_is_recorded_with_who_when_from_and_to(
    app, make_user, make_event, reply, host_acts
):
    host = make_user()
    event = make_event(creator=host, capacity=1)
    a, b = make_user(), make_user()
    reply(a, event)
    b_reply = reply(b, event)
    reply(a, event, going=False)
    host_acts(decisions.remove, host, b_reply, reason="No-show last time.")
    with app.app_context():
        changes = db.session.execute(
            select(RsvpChange.from_status, RsvpChange.to_status, RsvpChange.actor_id)
            .join(Rsvp)
            .where(Rsvp.user_id == b.id)
            .order_by(RsvpChange.id)
        ).all()
    assert [(f and f.value, t.value, actor) for f, t, actor in changes] == [
        (None, "waitlisted", b.id),
        ("waitlisted", "going", None),  # the waitlist moved on its own
        ("going", "removed", host.id),
    ]


def test_positions_close_up_when_someone_leaves_the_middle(app, make_user, make_event, reply):
    event = make_event(capacity=1)
    people = [make_user() for _ in range(5)]
    for person in people:
        reply(person, event)
    reply(people[2], event, going=False)  # number 2 on the waitlist leaves
    assert waitlist_positions(app, event) == [1, 2, 3]
