"""seats.change_reply, the one call behind a reply and a host's decision:
what it refuses changes nothing, and each decision applies to the statuses
seats.DECISION_APPLIES_TO names, and to no other."""

from __future__ import annotations

import pytest

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.models import DirectoryChoice, Event, Rsvp, RsvpStatus, User
from meetup.services.rsvps import decisions, replying
from meetup.services.rsvps.seats import DECISION_APPLIES_TO, Decision, find_rsvp

BY_DECISION = {
    Decision.APPROVE: decisions.approve,
    Decision.DECLINE: decisions.decline,
    Decision.REMOVE: decisions.remove,
    Decision.LET_IN: decisions.promote,
}


def test_a_refused_reply_keeps_its_directory_choice(app, make_user, make_event, reply):
    event = make_event(capacity=1, guest_limit=2)
    person = make_user()
    reply(person, event)
    with app.app_context():
        sent = replying.Reply(True, guests=2, directory_choice=DirectoryChoice.HIDDEN.value)
        with pytest.raises(InvalidInput, match="No seats are left"):
            replying.respond(db.session.get(User, person.id), db.session.get(Event, event.id), sent)
        db.session.commit()  # whatever the refusal left behind
    rsvp = _reply_of(app, event, person)
    assert (rsvp.guests, rsvp.directory_choice) == (0, None)


@pytest.mark.parametrize("decision", list(Decision))
def test_each_decision_applies_to_its_statuses_alone(
    app, make_user, make_event, reply, host_acts, decision
):
    host = make_user()
    event = make_event(creator=host, capacity=1, is_approval_required=True)
    going, waitlisted, pending, not_going = (make_user() for _ in range(4))
    for person in (going, waitlisted, pending):
        reply(person, event)
    host_acts(decisions.approve, host, _reply_of(app, event, going))
    host_acts(decisions.approve, host, _reply_of(app, event, waitlisted))
    reply(not_going, event, going=False)
    for person in (going, waitlisted, pending, not_going):
        rsvp = _reply_of(app, event, person)
        if rsvp.status in DECISION_APPLIES_TO[decision]:
            continue  # applying it would move the others; the other tests cover it
        with pytest.raises(InvalidInput, match="is not"):
            host_acts(BY_DECISION[decision], host, rsvp)
        assert _reply_of(app, event, person).status == rsvp.status
    statuses = {_reply_of(app, event, p).status for p in (going, waitlisted, pending, not_going)}
    assert statuses == {
        RsvpStatus.GOING,
        RsvpStatus.WAITLISTED,
        RsvpStatus.PENDING,
        RsvpStatus.NOT_GOING,
    }


def _reply_of(app, event: Event, person: User) -> Rsvp:
    with app.app_context():
        rsvp = find_rsvp(db.session.get(Event, event.id), db.session.get(User, person.id))
        db.session.expunge(rsvp)
        return rsvp
