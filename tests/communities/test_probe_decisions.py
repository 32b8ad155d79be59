"""Probes of the admins' decisions with the id of someone who never had a
row in the community: the admin learns nothing of them (not even their
name), and nothing is written about them."""

from __future__ import annotations

import pytest

from meetup.extensions import db
from meetup.models import CommunityMember, ProfileVisibility
from tests.plugins.app import sign_in


@pytest.mark.parametrize("action", ["approve", "decline", "remove", "block", "unblock"])
def test_a_stranger_id_tells_the_admin_nothing(app, client, make_user, make_community, action):
    admin = make_user()
    stranger = make_user(display_name="Zelda Hidden")
    with app.app_context():
        db.session.get(type(stranger), stranger.id).profile_visibility = ProfileVisibility.PRIVATE
        db.session.commit()
    community = make_community(admins=(admin,))
    sign_in(client, admin)

    response = client.submit(
        f"/communities/{community.slug}/manage/members/{stranger.id}/{action}", {},
        follow_redirects=True,
    )  # fmt: skip

    assert response.status_code < 500
    assert "Zelda Hidden" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CommunityMember, (community.id, stranger.id)) is None
