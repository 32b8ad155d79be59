"""Whom one may ask to connect never leaks through a members-only event: a
person listed only there is out of a non-member's reach, whatever its list's
setting."""

from __future__ import annotations

from meetup.extensions import db
from meetup.models import DirectoryVisibility, MembershipState, ProfileVisibility, User
from meetup.services import privacy


def _private(app, person) -> None:
    with app.app_context():
        row = db.session.get(User, person.id)
        row.profile_visibility = ProfileVisibility.PRIVATE
        db.session.commit()


def test_a_person_listed_only_on_a_members_only_event_is_out_of_a_non_member_s_reach(
    app, make_user, make_event, make_community, make_member, put_in_community, reply
) -> None:
    member, person, stranger, removed = (make_user() for _ in range(4))
    community = make_community()
    for someone in (member, person, removed):
        make_member(community, someone)
    event = put_in_community(
        make_event(directory_visibility=DirectoryVisibility.EVERYONE.value),
        community,
        members_only=True,
    )
    for someone in (member, person, removed):
        reply(someone, event)
    with app.app_context():  # listed on it by their choice, with an "only me" profile
        from meetup.models import CommunityMember, DirectoryChoice, Rsvp

        db.session.query(Rsvp).filter_by(user_id=person.id).update(
            {"directory_choice": DirectoryChoice.SHOWN}
        )
        db.session.get(CommunityMember, (community.id, removed.id)).state = MembershipState.REMOVED
        db.session.commit()
    _private(app, person)
    with app.app_context():
        asker = {who.id: db.session.get(User, who.id) for who in (member, stranger, removed)}
        them = db.session.get(User, person.id)
        assert privacy.can_ask(asker[member.id], them)
        assert not privacy.can_ask(asker[stranger.id], them)
        assert not privacy.can_ask(asker[removed.id], them)
