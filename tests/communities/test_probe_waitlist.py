"""Probes of a members-only event's waitlist: a person removed from (or
leaving) the community keeps their reply, but may no longer see the event;
a seat freed later goes to the next person who may, and the removed one is
never sent the event's details (its "you have a seat" mail and invitation)."""

from __future__ import annotations

from meetup.extensions import db
from meetup.models import CommunityMember, MembershipState, Rsvp, RsvpStatus


def test_a_removed_member_on_the_waitlist_is_not_given_a_freed_seat(
    app, make_user, make_event, make_community, make_member, put_in_community, reply, outbox
) -> None:
    admin = make_user()
    community = make_community(admins=(admin,))
    event = put_in_community(
        make_event(creator=admin, title="Secret supper", capacity=1), community, members_only=True
    )
    going, removed, waiting = make_user(), make_user(), make_user()
    for person in (going, removed, waiting):
        make_member(community, person)
    reply(going, event)
    reply(removed, event)  # first on the waitlist
    reply(waiting, event)
    with app.app_context():
        db.session.get(CommunityMember, (community.id, removed.id)).state = MembershipState.REMOVED
        db.session.commit()

    reply(going, event, going=False)  # a seat is free

    with app.app_context():
        status = {
            rsvp.user_id: rsvp.status
            for rsvp in db.session.query(Rsvp).filter(Rsvp.event_id == event.id)
        }
    assert status[removed.id] == RsvpStatus.WAITLISTED
    assert status[waiting.id] == RsvpStatus.GOING
    assert not [m for m in outbox.messages() if m.user_id == removed.id and m.calendar]
    assert "Secret supper" not in " ".join(
        m.subject for m in outbox.messages() if m.user_id == removed.id and "seat" in m.subject
    )
