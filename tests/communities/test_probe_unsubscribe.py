"""Probes of the unsubscribe link of an old community mail, clicked by
someone removed, blocked or declined since: the page tells them what the
community's own page does (they are not a member), never "you are still a
member", and it changes nothing."""

from __future__ import annotations

import pytest

from meetup.extensions import db
from meetup.models import CommunityMail, CommunityMember, MembershipState
from meetup.services.communities.unsubscribe import unsubscribe_links


@pytest.mark.parametrize(
    "state", [MembershipState.REMOVED, MembershipState.BLOCKED, MembershipState.DECLINED]
)
def test_an_old_link_of_someone_no_longer_a_member(
    app, client, make_user, make_community, make_member, state
) -> None:
    community = make_community(name="Paris UX Nights")
    person = make_user()
    make_member(community, person, state)
    with app.app_context():
        path = unsubscribe_links(community.id)(person.id).removeprefix(app.config["BASE_URL"])

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 200
        assert "no longer a member" in response.text
        assert "still a member" not in response.text and "stay a member" not in response.text
    with app.app_context():
        assert db.session.get(CommunityMember, (community.id, person.id)).mail == (
            CommunityMail.EACH_EVENT
        )
