"""The online link travels in mail only to people going and to hosts: in the
message's context and in the calendar part it carries, for every kind of mail."""

from __future__ import annotations

from meetup.extensions import db
from meetup.models import Event, User
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import decisions

LINK = "https://meet.example.org/secret-room"


def _carries_link(message) -> bool:
    context = dict(message.context)
    invitation = context.pop("invitation", None) or {}
    return LINK in repr(context) or LINK in repr(invitation)


def test_cancellation_mail_carries_the_link_only_to_people_going(
    app, make_user, make_event, reply, outbox
):
    host = make_user()
    event = make_event(creator=host, online_url=LINK, capacity=1)
    going = make_user(email="going@example.org")
    waitlisted = make_user(email="waitlisted@example.org")
    reply(going, event), reply(waitlisted, event)
    with app.app_context():
        db.session.get(Event, event.id).is_approval_required = True
        db.session.commit()
    pending = make_user(email="pending@example.org")
    reply(pending, event)
    with app.app_context():
        lifecycle.cancel_event(db.session.get(User, host.id), db.session.get(Event, event.id))
        db.session.commit()
    cancelled = {
        message.recipient: message
        for message in outbox.messages()
        if message.subject.startswith("Cancelled")
    }
    assert set(cancelled) == {"going@example.org", "waitlisted@example.org", "pending@example.org"}
    assert _carries_link(cancelled["going@example.org"])
    assert not _carries_link(cancelled["waitlisted@example.org"])
    assert not _carries_link(cancelled["pending@example.org"])


def test_a_calendar_cancel_to_someone_no_longer_going_has_no_link(
    app, make_user, make_event, reply, host_acts, outbox
):
    host = make_user()
    event = make_event(creator=host, online_url=LINK)
    person = make_user(email="removed@example.org")
    rsvp = reply(person, event)
    assert _carries_link(outbox.last("removed@example.org"))  # going: the REQUEST has it
    host_acts(decisions.remove, host, rsvp)
    message = outbox.last("removed@example.org")
    assert message.calendar_method == "CANCEL"
    assert not _carries_link(message)
