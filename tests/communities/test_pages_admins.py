"""A community's admins: invitations by email, accepting, removing and
stepping down (never the last), the admins as hosts of its events, and the
last admin's account."""

from __future__ import annotations

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import (
    CommunityAdmin,
    CommunityAdminInvitation,
    CommunityMember,
    Event,
    EventHost,
    HostRole,
    MembershipState,
)
from meetup.services.communities.admins import LAST_ADMIN
from tests.plugins.app import DEFAULT_PASSWORD, sign_in


def _admin_ids(app, community) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(CommunityAdmin.user_id)
                .where(CommunityAdmin.community_id == community.id)
                .order_by(CommunityAdmin.added_at, CommunityAdmin.user_id)
            )
        )


def _hosts(app, event) -> dict[int, HostRole]:
    with app.app_context():
        rows = db.session.scalars(select(EventHost).where(EventHost.event_id == event.id))
        return {row.user_id: row.role for row in rows}


def _creator(app, event) -> int:
    with app.app_context():
        return db.session.get(Event, event.id).created_by_id


def test_the_admins_page_is_for_admins(client, make_user, make_community, make_member):
    admin, member, pending, blocked, stranger = (make_user() for _ in range(5))
    community = make_community(admins=(admin,))
    make_member(community, member)
    make_member(community, pending, MembershipState.PENDING)
    make_member(community, blocked, MembershipState.BLOCKED)
    url = f"/communities/{community.slug}/admins"
    assert client.get(url).status_code == 302
    assert client.submit(f"{url}/{admin.id}/remove", {}).status_code == 302
    for person in (stranger, member, pending, blocked):
        sign_in(client, person)
        assert client.get(url).status_code == 403
        assert client.submit(url, {"email": "someone@example.org"}).status_code == 403
        assert client.submit(f"{url}/{admin.id}/remove", {}).status_code == 403
    sign_in(client, admin)
    page = client.get(url).get_data(as_text=True)
    assert admin.display_name in page and "You are the last admin" in page


def test_an_invited_person_accepts_and_hosts_the_communitys_events(
    app, client, make_user, make_community, make_event, put_in_community, outbox
):
    admin, invitee, other = make_user(), make_user(), make_user()
    community = make_community(admins=(admin,))
    event = put_in_community(make_event(creator=admin), community)
    sign_in(client, admin)
    response = client.submit(f"/communities/{community.slug}/admins", {"email": invitee.email})
    assert response.status_code == 303
    mail = outbox.last(invitee.email)
    assert mail.template == "community_admin_invitation"
    assert community.name in mail.subject
    link = outbox.link(invitee.email)
    with app.app_context():
        invitation = db.session.scalar(select(CommunityAdminInvitation))
        assert invitation.token_hash not in link  # only the hash is kept
    # Another account may not use it.
    sign_in(client, other)
    assert client.get(link).status_code == 403
    assert client.submit(link, {}).status_code == 403
    sign_in(client, invitee)
    assert client.get(link).status_code == 200
    assert client.submit(link, {}).status_code == 303
    assert _admin_ids(app, community) == [admin.id, invitee.id]
    assert _hosts(app, event) == {admin.id: HostRole.CREATOR, invitee.id: HostRole.COHOST}
    with app.app_context():
        member = db.session.get(CommunityMember, (community.id, invitee.id))
        assert member.state == MembershipState.MEMBER
    # Used up.
    assert client.get(link).status_code == 404


def test_a_bad_address_is_refused_at_its_field(client, make_user, make_community):
    admin = make_user()
    community = make_community(admins=(admin,))
    sign_in(client, admin)
    response = client.submit(f"/communities/{community.slug}/admins", {"email": "not an address"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_an_invitation_withdrawn_or_of_a_closed_community_no_longer_works(
    app, client, make_user, make_community, outbox
):
    admin, invitee = make_user(), make_user()
    community = make_community(admins=(admin,))
    sign_in(client, admin)
    client.submit(f"/communities/{community.slug}/admins", {"email": invitee.email})
    first = outbox.link(invitee.email)
    with app.app_context():
        invitation_id = db.session.scalar(select(CommunityAdminInvitation.id))
    revoke = f"/communities/{community.slug}/admin-invitations/{invitation_id}/revoke"
    assert client.submit(revoke, {}).status_code == 303
    client.submit(f"/communities/{community.slug}/admins", {"email": invitee.email})
    second = outbox.link(invitee.email)
    client.submit(f"/communities/{community.slug}/close", {})
    sign_in(client, invitee)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 404
    assert _admin_ids(app, community) == [admin.id]


def test_an_admin_steps_down_and_the_event_keeps_a_creator(
    app, client, make_user, make_community, make_event, put_in_community, outbox
):
    first, second = make_user(), make_user()
    community = make_community(admins=(first, second))
    event = put_in_community(make_event(creator=first), community)
    assert _hosts(app, event) == {first.id: HostRole.CREATOR, second.id: HostRole.COHOST}
    sign_in(client, first)
    response = client.submit(f"/communities/{community.slug}/admins/{first.id}/remove", {})
    assert response.status_code == 303
    assert _admin_ids(app, community) == [second.id]
    # The creator left with the role: the longest-serving admin who hosts it runs it.
    assert _hosts(app, event) == {second.id: HostRole.CREATOR}
    assert _creator(app, event) == second.id
    with app.app_context():  # still a member
        row = db.session.get(CommunityMember, (community.id, first.id))
        assert row.state == MembershipState.MEMBER


def test_the_last_admin_cannot_step_down_nor_be_removed(app, client, make_user, make_community):
    admin = make_user()
    community = make_community(admins=(admin,))
    sign_in(client, admin)
    response = client.submit(f"/communities/{community.slug}/admins/{admin.id}/remove", {})
    assert response.status_code == 303  # back to the admins page, with the reason
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert LAST_ADMIN.replace("'", "&#39;") in page
    assert _admin_ids(app, community) == [admin.id]


def test_any_admin_removes_another(app, client, make_user, make_community, make_event,
                                   put_in_community):  # fmt: skip
    first, second, third = make_user(), make_user(), make_user()
    community = make_community(admins=(first, second, third))
    event = put_in_community(make_event(creator=first), community)
    sign_in(client, third)
    assert (
        client.submit(f"/communities/{community.slug}/admins/{first.id}/remove", {}).status_code
        == 303
    )
    assert _admin_ids(app, community) == [second.id, third.id]
    hosts = _hosts(app, event)
    assert first.id not in hosts and hosts[second.id] == HostRole.CREATOR
    # Removing someone who is not an admin: not found.
    response = client.submit(f"/communities/{community.slug}/admins/{first.id}/remove", {})
    assert response.status_code == 404


def test_the_last_admin_of_an_open_community_cannot_delete_their_account(
    app, client, make_user, make_community
):
    admin = make_user()
    community = make_community(admins=(admin,), name="Climate tech Stockholm")
    sign_in(client, admin)
    response = client.submit("/account/delete", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "You are the last admin of “Climate tech Stockholm”" in html
    # Closed, it holds nobody.
    client.submit(f"/communities/{community.slug}/close", {})
    assert client.submit("/account/delete", {"password": DEFAULT_PASSWORD}).status_code == 303


def test_an_admin_with_another_admin_may_delete_their_account(client, make_user, make_community):
    admin, other = make_user(), make_user()
    make_community(admins=(admin, other))
    sign_in(client, admin)
    assert client.submit("/account/delete", {"password": DEFAULT_PASSWORD}).status_code == 303
