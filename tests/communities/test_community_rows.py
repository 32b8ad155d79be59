"""The tables behind communities, through privacy's membership facts."""

from __future__ import annotations

from meetup.extensions import db
from meetup.models import Community, Event, EventVisibility, MembershipState, User
from meetup.services import privacy


def test_a_community_s_admins_are_its_members_and_others_are_not(
    app, make_user, make_community, make_member
) -> None:
    admin, member, pending, blocked, stranger = (make_user() for _ in range(5))
    community = make_community(admins=(admin,))
    make_member(community, member)
    make_member(community, pending, MembershipState.PENDING)
    make_member(community, blocked, MembershipState.BLOCKED)
    with app.app_context():
        people = {
            p.id: db.session.get(User, p.id) for p in (admin, member, pending, blocked, stranger)
        }
        assert privacy.is_admin(people[admin.id], community.id)
        assert not privacy.is_admin(people[member.id], community.id)
        members = {p for p, user in people.items() if privacy.is_member(user, community.id)}
        assert members == {admin.id, member.id}
        assert not privacy.is_member(None, community.id)
        assert privacy.member_community_ids(people[member.id]) == {community.id}


def test_an_event_put_in_a_community_is_hosted_by_its_admins(
    app, make_user, make_event, make_community, put_in_community
) -> None:
    admin = make_user()
    community = make_community(admins=(admin,))
    event = put_in_community(make_event(), community, members_only=True)
    with app.app_context():
        row = db.session.get(Event, event.id)
        assert row.community_link.community_id == community.id
        assert row.visibility == EventVisibility.MEMBERS
        assert admin.id in {host.user_id for host in row.hosts}
        db.session.delete(db.session.get(Community, community.id))
        db.session.flush()
        db.session.expire_all()
        assert db.session.get(Event, event.id).community_link is None
