"""Starting, editing and closing a community through its pages: who may,
and every field's refusals, said next to the field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityMail,
    CommunityMember,
    CommunityStatus,
    MembershipState,
)
from tests.plugins.app import sign_in

VALID = {
    "name": "Paris UX Nights",
    "description": "Designers who meet **monthly**.",
    "topics": "UX, Product Design",
    "city": "Paris",
}


def _community(app, slug: str | None = None, name: str | None = None) -> Community:
    with app.app_context():
        query = select(Community)
        query = query.where(Community.slug == slug) if slug else query.where(Community.name == name)
        community = db.session.scalar(query)
        _ = community.topics, community.questions, community.admins
        db.session.expunge_all()
        return community


def test_a_verified_person_starts_a_community_as_its_admin_and_member(app, client, make_user):
    founder = make_user()
    sign_in(client, founder)
    response = client.submit("/communities/new", VALID)
    assert response.status_code == 303
    community = _community(app, name="Paris UX Nights")
    assert response.headers["Location"] == f"/communities/{community.slug}"
    assert community.slug.startswith("paris-ux-nights-")
    assert community.description_html == "<p>Designers who meet <strong>monthly</strong>.</p>\n"
    assert [topic.name for topic in community.topics] == ["product design", "ux"]
    assert "paris ux nights" in community.search_text and "paris" in community.search_text
    with app.app_context():
        assert db.session.get(CommunityAdmin, (community.id, founder.id)) is not None
        member = db.session.get(CommunityMember, (community.id, founder.id))
        assert member.state == MembershipState.MEMBER
        assert member.mail == CommunityMail.EACH_EVENT
        assert member.joined_at is not None
    page = client.get(f"/communities/{community.slug}").get_data(as_text=True)
    assert "Paris UX Nights" in page and "Admin tools" in page


def test_starting_a_community_needs_an_account_and_a_confirmed_address(client, make_user):
    assert client.get("/communities/new").status_code == 302
    sign_in(client, make_user(verified=False))
    response = client.submit("/communities/new", VALID)
    assert response.status_code == 403
    assert "Confirm your email address" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Give the community a name."),
        ("name", "x" * 101, "Use at most 100 characters"),
        ("name", "<b>Paris</b>", "Use plain text here: no &lt; or &gt; (no HTML)."),
        ("name", "Paris > Lyon", "Use plain text here"),
        ("description", "", "Say in a few words what the community is about."),
        ("description", "y" * 5001, "Use at most 5000 characters"),
        ("description", "Hi <script>alert(1)</script>", "Use Markdown, not HTML tags"),
        ("city", "<i>Paris</i>", "Use plain text here"),
        ("city", "z" * 101, "Use at most 100 characters"),
        ("topics", "ok, <bad>", "cannot be used"),
        ("question_2", "q" * 301, "Use at most 300 characters"),
        ("question_1", "Why <b>you</b>?", "Use plain text here"),
    ],
)
def test_bad_input_is_refused_at_its_field(client, make_user, field, value, message):
    sign_in(client, make_user())
    response = client.submit("/communities/new", VALID | {field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html


def test_control_characters_never_reach_the_name(app, client, make_user, db_session):
    """The form drops them before any rule; the service refuses them outright."""
    from meetup.lib.errors import InvalidInput
    from meetup.models import User
    from meetup.services.communities.lifecycle import CommunityDetails, create_community

    person = make_user()
    sign_in(client, person)
    assert client.submit("/communities/new", VALID | {"name": "Tab\x07Bell"}).status_code == 303
    with pytest.raises(InvalidInput) as refused:
        create_community(
            db_session.get(User, person.id), CommunityDetails(name="A\x00B", description="x")
        )
    assert refused.value.field == "name"


def test_settings_are_for_admins_only(app, client, make_user, make_community, make_member):
    admin, member, stranger = make_user(), make_user(), make_user()
    community = make_community(admins=(admin,))
    make_member(community, member)
    url = f"/communities/{community.slug}/settings"
    assert client.get(url).status_code == 302  # anonymous: log in
    for person in (stranger, member):
        sign_in(client, person)
        assert client.get(url).status_code == 403
        assert client.submit(url, VALID).status_code == 403
    sign_in(client, admin)
    assert client.get(url).status_code == 200
    response = client.submit(
        url,
        VALID
        | {"name": "Renamed", "city": "", "is_approval_required": "y", "question_1": "Why?",
           "question_3": "Where from?"},
    )  # fmt: skip
    assert response.status_code == 303
    saved = _community(app, slug=community.slug)
    assert saved.name == "Renamed"
    assert saved.is_online
    assert saved.is_approval_required
    assert [question.text for question in saved.questions] == ["Why?", "Where from?"]
    assert client.get(f"/communities/{community.slug}").status_code == 200


def test_a_question_kept_word_for_word_keeps_its_row(app, client, make_user, make_community):
    admin = make_user()
    community = make_community(admins=(admin,))
    sign_in(client, admin)
    url = f"/communities/{community.slug}/settings"
    client.submit(url, VALID | {"question_1": "Why?", "question_2": "Where?"})
    before = {q.text: q.id for q in _community(app, slug=community.slug).questions}
    client.submit(url, VALID | {"question_1": "Where?", "question_2": "What now?"})
    after = {q.text: q.id for q in _community(app, slug=community.slug).questions}
    assert after["Where?"] == before["Where?"]
    assert "Why?" not in after


def test_closing_a_community(app, client, make_user, make_community, make_member):
    admin, member = make_user(), make_user()
    community = make_community(admins=(admin,))
    make_member(community, member)
    url = f"/communities/{community.slug}/close"
    assert client.get(url).status_code == 302
    sign_in(client, member)
    assert client.submit(url, {}).status_code == 403
    sign_in(client, admin)
    assert client.get(url).status_code == 200
    assert client.submit(url, {}).status_code == 303
    closed = _community(app, slug=community.slug)
    assert closed.status == CommunityStatus.CLOSED and closed.closed_at is not None
    page = client.get(f"/communities/{community.slug}").get_data(as_text=True)
    assert "This community has closed" in page
    # Closed twice: a clear refusal, not an error.
    response = client.submit(url, {})
    assert response.status_code == 422
    assert "closed already" in response.get_data(as_text=True)
    # Its settings no longer change.
    response = client.submit(f"/communities/{community.slug}/settings", VALID)
    assert response.status_code == 422
    assert "has closed" in response.get_data(as_text=True)


def test_an_unknown_community_is_not_found(client, make_user):
    assert client.get("/communities/nope").status_code == 404
    sign_in(client, make_user())
    for path in ("settings", "close", "admins"):
        assert client.get(f"/communities/nope/{path}").status_code == 404
