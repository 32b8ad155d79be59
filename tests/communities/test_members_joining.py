"""Joining and leaving a community, the admins' decisions, a member's
choices: through the web, as the people do it."""

from __future__ import annotations

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import (
    Community,
    CommunityAnswer,
    CommunityMail,
    CommunityMember,
    CommunityQuestion,
    CommunityStatus,
    MembershipState,
)
from meetup.models.types import utcnow
from tests.plugins.app import sign_in


def _client(app, person=None):
    client = app.test_client()
    if person is not None:
        sign_in(client, person)
    return client


def _row(app, community, person):
    with app.app_context():
        row = db.session.get(CommunityMember, (community.id, person.id))
        if row is not None:
            db.session.expunge(row)
        return row


def _approval_community(app, make_community, admin, questions=("Why join?", "What do you do?")):
    community = make_community(admins=(admin,), is_approval_required=True)
    with app.app_context():
        for position, text in enumerate(questions):
            db.session.add(
                CommunityQuestion(community_id=community.id, position=position, text=text)
            )
        db.session.commit()
        ids = list(
            db.session.scalars(
                select(CommunityQuestion.id)
                .where(CommunityQuestion.community_id == community.id)
                .order_by(CommunityQuestion.position)
            )
        )
    return community, ids


def _answers(app, person):
    with app.app_context():
        return list(
            db.session.scalars(
                select(CommunityAnswer.text)
                .where(CommunityAnswer.user_id == person.id)
                .order_by(CommunityAnswer.question_id)
            )
        )


def test_joining_an_open_community_makes_a_member_at_once(app, make_user, make_community):
    person = make_user()
    community = make_community()
    client = _client(app, person)
    page = client.get(f"/communities/{community.slug}/join").get_data(as_text=True)
    assert ">Join</button>" in page
    response = client.submit(
        f"/communities/{community.slug}/join", {"next": f"/communities/{community.slug}"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/communities/{community.slug}"
    row = _row(app, community, person)
    assert row.state == MembershipState.MEMBER
    assert row.mail == CommunityMail.EACH_EVENT
    assert row.joined_at is not None and row.is_listed is None
    page = client.get(f"/communities/{community.slug}/join").get_data(as_text=True)
    assert "You are a member of" in page and "Leave the community" in page
    # Joining twice changes nothing.
    assert client.submit(f"/communities/{community.slug}/join", {}).status_code == 303
    assert _row(app, community, person).joined_at == row.joined_at


def test_a_visitor_is_asked_to_log_in(app, client, make_community):
    community = make_community()
    page = client.get(f"/communities/{community.slug}/join").get_data(as_text=True)
    assert "Log in to join" in page
    response = client.submit(f"/communities/{community.slug}/join", {})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unconfirmed_address_cannot_join(app, make_user, make_community):
    person = make_user(verified=False)
    community = make_community()
    response = _client(app, person).submit(f"/communities/{community.slug}/join", {})
    assert response.status_code == 403
    assert "confirm your email address" in response.get_data(as_text=True)
    assert _row(app, community, person) is None


def test_a_request_answers_every_question(app, make_user, make_community):
    admin, person = make_user(), make_user()
    community, (first, second) = _approval_community(app, make_community, admin)
    client = _client(app, person)
    page = client.get(f"/communities/{community.slug}/join").get_data(as_text=True)
    assert "Why join?" in page and "What do you do?" in page and "Ask to join" in page

    url = f"/communities/{community.slug}/join"
    response = client.submit(url, {f"answer_{first}": "To meet people", f"answer_{second}": " "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="answer_{second}-error">Please answer this question.' in html
    assert "To meet people" in html  # what they typed is kept
    assert _row(app, community, person) is None

    response = client.submit(url, {f"answer_{first}": "x" * 1001, f"answer_{second}": "UX"})
    assert response.status_code == 422
    assert "Use at most 1000 characters (you used 1001)." in response.get_data(as_text=True)
    assert _row(app, community, person) is None

    response = client.submit(url, {f"answer_{first}": "To meet people", f"answer_{second}": "UX"})
    assert response.status_code == 303
    assert _row(app, community, person).state == MembershipState.PENDING
    assert _answers(app, person) == ["To meet people", "UX"]
    page = client.get(url).get_data(as_text=True)
    assert "Your request to join is pending" in page


def test_a_closed_community_answers_a_clear_page(app, make_user, make_community):
    person = make_user()
    community = make_community(status=CommunityStatus.CLOSED, closed_at=utcnow())
    client = _client(app, person)
    page = client.get(f"/communities/{community.slug}/join").get_data(as_text=True)
    assert "This community has closed; it takes no new members." in page
    response = client.submit(f"/communities/{community.slug}/join", {})
    assert response.status_code == 422
    assert "This community has closed; it takes no new members." in response.get_data(as_text=True)
    assert _row(app, community, person) is None


def test_an_unknown_community_is_not_found(app, make_user):
    client = _client(app, make_user())
    assert client.get("/communities/nowhere/join").status_code == 404
    assert client.submit("/communities/nowhere/join", {}).status_code == 404


def test_approving_welcomes_by_email_and_declining_is_silent(
    app, make_user, make_community, outbox
):
    admin, accepted, declined = make_user(), make_user(), make_user()
    community, (first, second) = _approval_community(app, make_community, admin)
    answers = {f"answer_{first}": "Hello", f"answer_{second}": "UX"}
    for person in (accepted, declined):
        _client(app, person).submit(f"/communities/{community.slug}/join", answers)
    admin_client = _client(app, admin)
    base = f"/communities/{community.slug}/manage/members"
    requests = admin_client.get(f"{base}?tab=requests").get_data(as_text=True)
    assert accepted.display_name in requests and "Why join?" in requests and "Hello" in requests

    assert admin_client.submit(f"{base}/{accepted.id}/approve", {}).status_code == 303
    assert admin_client.submit(f"{base}/{declined.id}/decline", {}).status_code == 303
    assert _row(app, community, accepted).state == MembershipState.MEMBER
    assert _row(app, community, declined).state == MembershipState.DECLINED
    welcome = outbox.last(accepted.email)
    assert welcome.template == "membership_welcome"
    assert welcome.subject == f"Welcome to {community.name}"
    assert outbox.messages(declined.email) == []
    # Idempotent: a second approval (two admins at once) sends nothing more.
    admin_client.submit(f"{base}/{accepted.id}/approve", {})
    admin_client.submit(f"{base}/{declined.id}/decline", {})
    assert len(outbox.messages(accepted.email)) == 1
    # The declined person sees their request pending, and may ask again: still pending.
    client = _client(app, declined)
    assert "Your request to join is pending" in client.get(
        f"/communities/{community.slug}/join"
    ).get_data(as_text=True)
    client.submit(f"/communities/{community.slug}/join", answers)
    assert _row(app, community, declined).state == MembershipState.DECLINED


def test_removed_may_join_again_and_blocked_looks_pending(app, make_user, make_community):
    admin, removed, blocked = make_user(), make_user(), make_user()
    community = make_community(admins=(admin,))
    for person in (removed, blocked):
        _client(app, person).submit(f"/communities/{community.slug}/join", {})
    admin_client = _client(app, admin)
    base = f"/communities/{community.slug}/manage/members"
    admin_client.submit(f"{base}/{removed.id}/remove", {})
    admin_client.submit(f"{base}/{blocked.id}/block", {})
    assert _row(app, community, removed).state == MembershipState.REMOVED
    assert _row(app, community, blocked).state == MembershipState.BLOCKED

    # Neither is told: both see the join button, as a stranger does.
    for person in (removed, blocked):
        page = _client(app, person).get(f"/communities/{community.slug}/join")
        assert ">Join</button>" in page.get_data(as_text=True)

    _client(app, removed).submit(f"/communities/{community.slug}/join", {})
    assert _row(app, community, removed).state == MembershipState.MEMBER

    client = _client(app, blocked)
    response = client.submit(f"/communities/{community.slug}/join", {})
    assert response.status_code == 303
    assert _row(app, community, blocked).state == MembershipState.BLOCKED
    page = client.get(f"/communities/{community.slug}/join").get_data(as_text=True)
    assert "Your request to join is pending" in page
    assert "blocked" not in page.lower()

    # Withdrawing the request that looks pending: it stops looking so; the block stays.
    client.submit(f"/communities/{community.slug}/leave", {})
    assert _row(app, community, blocked).state == MembershipState.BLOCKED
    page = client.get(f"/communities/{community.slug}/join").get_data(as_text=True)
    assert ">Join</button>" in page

    admin_client.submit(f"{base}/{blocked.id}/unblock", {})
    assert _row(app, community, blocked).state == MembershipState.REMOVED
    client.submit(f"/communities/{community.slug}/join", {})
    assert _row(app, community, blocked).state == MembershipState.MEMBER


def test_an_admin_cannot_be_removed(app, make_user, make_community):
    admin, other = make_user(), make_user()
    community = make_community(admins=(admin, other))
    response = _client(app, admin).submit(
        f"/communities/{community.slug}/manage/members/{other.id}/remove", {}
    )
    assert response.status_code == 403
    assert _row(app, community, other).state == MembershipState.MEMBER


def test_leaving_deletes_the_row_and_the_answers(app, make_user, make_community):
    admin, person = make_user(), make_user()
    community, (first, second) = _approval_community(app, make_community, admin)
    client = _client(app, person)
    client.submit(
        f"/communities/{community.slug}/join", {f"answer_{first}": "a", f"answer_{second}": "b"}
    )
    _client(app, admin).submit(
        f"/communities/{community.slug}/manage/members/{person.id}/approve", {}
    )
    response = client.submit(f"/communities/{community.slug}/leave", {})
    assert response.status_code == 303
    assert _row(app, community, person) is None
    assert _answers(app, person) == []
    # Leaving twice is leaving once.
    assert client.submit(f"/communities/{community.slug}/leave", {}).status_code == 303


def test_the_last_admin_cannot_leave_and_another_steps_down_first(app, make_user, make_community):
    admin = make_user()
    community = make_community(admins=(admin,))
    client = _client(app, admin)
    response = client.submit(f"/communities/{community.slug}/leave", {}, follow_redirects=True)
    assert "You are the last admin: hand the community to another admin or close it first." in (
        response.get_data(as_text=True)
    )
    assert _row(app, community, admin).state == MembershipState.MEMBER

    second = make_user()
    both = make_community(admins=(admin, second))
    response = _client(app, second).submit(
        f"/communities/{both.slug}/leave", {}, follow_redirects=True
    )
    assert "step down as an admin before you leave" in response.get_data(as_text=True)
    assert _row(app, both, second) is not None


def test_a_member_s_choices(app, make_user, make_community, make_member):
    person = make_user()
    community = make_community()
    make_member(community, person)
    client = _client(app, person)
    response = client.submit(
        f"/communities/{community.slug}/my-choices",
        {"mail": "weekly_digest", "listing": "hidden", "next": "/my/communities"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/my/communities"
    row = _row(app, community, person)
    assert (row.mail, row.is_listed) == (CommunityMail.WEEKLY_DIGEST, False)
    client.submit(f"/communities/{community.slug}/my-choices", {"mail": "nothing",
                                                                "listing": "default"})  # fmt: skip
    row = _row(app, community, person)
    assert (row.mail, row.is_listed) == (CommunityMail.NOTHING, None)
    # A value that is no choice is refused, with a message; nothing changes.
    response = client.submit(
        f"/communities/{community.slug}/my-choices",
        {"mail": "hourly", "listing": "shown"},
        follow_redirects=True,
    )
    assert "Choose what you hear of new events." in response.get_data(as_text=True)
    assert _row(app, community, person).is_listed is None
    # The next address is this site's only.
    response = client.submit(
        f"/communities/{community.slug}/my-choices",
        {"mail": "nothing", "listing": "shown", "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == f"/communities/{community.slug}/join"


def test_my_communities_lists_mine_with_my_choices(app, make_user, make_community, make_member):
    person = make_user()
    mine = make_community(name="Paris UX Nights")
    asked = make_community(name="Climate tech Stockholm", is_approval_required=True)
    removed = make_community(name="Removed Club")
    make_member(mine, person, mail=CommunityMail.WEEKLY_DIGEST, is_listed=False)
    make_member(asked, person, MembershipState.PENDING)
    make_member(removed, person, MembershipState.REMOVED)
    client = _client(app, person)
    page = client.get("/my/communities").get_data(as_text=True)
    assert "Paris UX Nights" in page and "Climate tech Stockholm" in page
    assert "Removed Club" not in page
    assert page.index("Climate tech") < page.index("Paris UX")
    assert f'id="mail-{mine.id}-weekly_digest" value="weekly_digest" checked' in page
    assert f'id="listing-{mine.id}-hidden" value="hidden" checked' in page
    assert "Your request to join is pending" in page
    assert "My communities" in client.get("/").get_data(as_text=True)
    assert _client(app).get("/my/communities").status_code == 302


def test_two_admins_deciding_at_once_end_with_one_decision(app, make_user, make_community):
    """Each decision is idempotent and reads the row as committed, locked."""
    from meetup.models import User
    from meetup.services.communities import membership

    first, second, person = make_user(), make_user(), make_user()
    community = make_community(admins=(first, second), is_approval_required=True)
    with app.app_context():
        row = CommunityMember(
            community_id=community.id,
            user_id=person.id,
            state=MembershipState.PENDING,
            requested_at=utcnow(),
        )
        db.session.add(row)
        db.session.commit()
        loaded = db.session.get(Community, community.id)
        membership.approve(db.session.get(User, first.id), loaded, person.id)
        membership.decline(db.session.get(User, second.id), loaded, person.id)
        membership.approve(db.session.get(User, second.id), loaded, person.id)
        db.session.commit()
        assert db.session.get(CommunityMember, (community.id, person.id)).state == (
            MembershipState.MEMBER
        )
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(CommunityMember)
                .where(CommunityMember.community_id == community.id)
            )
            == 3
        )


def test_the_community_page_shows_a_declined_request_as_pending(
    client, make_user, make_community, make_member
):
    """The page's box shows the standing as the viewer may see it: a
    declined request stays pending to its author, and a visitor is asked
    to log in."""
    person = make_user()
    community = make_community(is_approval_required=True)
    make_member(community, person, MembershipState.DECLINED)
    assert "Log in to join" in client.get(f"/communities/{community.slug}").text
    sign_in(client, person)
    page = client.get(f"/communities/{community.slug}").text
    assert "Your request to join is pending" in page
    assert "declined" not in page.casefold()
