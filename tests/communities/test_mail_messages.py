"""The admins' messages to members, through /communities/<slug>/messages:
who may open it, the fields' limits, twice in any seven days, who gets a
copy and what it says."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetup.extensions import db
from meetup.models import CommunityMail, CommunityMessage, MembershipState
from meetup.models.community import (
    COMMUNITY_MESSAGE_BODY_MAX_LENGTH,
    COMMUNITY_MESSAGE_SUBJECT_MAX_LENGTH,
)
from meetup.models.types import utcnow
from tests.plugins.app import sign_in


@pytest.fixture
def club(make_user, make_community, make_member):
    admin = make_user(display_name="Ada Admin")
    community = make_community(admins=(admin,), name="Paris UX Nights", slug="paris-ux")
    people = {
        "admin": admin,
        "member": make_user(),
        "digest": make_user(),
        "nothing": make_user(),
        "pending": make_user(),
        "removed": make_user(),
        "blocked": make_user(),
        "stranger": make_user(),
    }
    make_member(community, people["member"])
    make_member(community, people["digest"], mail=CommunityMail.WEEKLY_DIGEST)
    make_member(community, people["nothing"], mail=CommunityMail.NOTHING)
    make_member(community, people["pending"], MembershipState.PENDING)
    make_member(community, people["removed"], MembershipState.REMOVED)
    make_member(community, people["blocked"], MembershipState.BLOCKED)
    return community, people


URL = "/communities/paris-ux/messages"


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (None, 302),
        ("stranger", 403),
        ("pending", 403),
        ("removed", 403),
        ("blocked", 403),
        ("member", 403),
        ("admin", 200),
    ],
)
def test_only_admins_open_the_messages_page_or_send(client, club, viewer, expected) -> None:
    _, people = club
    if viewer is not None:
        sign_in(client, people[viewer])
    assert client.get(URL).status_code == expected
    sent = client.submit(URL, {"subject": "Hi", "body": "Hello"})
    assert sent.status_code == (303 if viewer == "admin" else expected)
    if viewer is None:
        assert "/login" in sent.headers["Location"]


def test_a_missing_community_is_a_404(client, club) -> None:
    sign_in(client, club[1]["admin"])
    assert client.get("/communities/nowhere/messages").status_code == 404


def test_a_message_goes_to_every_member_but_those_who_chose_nothing(
    app, client, club, outbox
) -> None:
    _, people = club
    sign_in(client, people["admin"])
    response = client.submit(URL, {"subject": "Venue change", "body": "We meet at **Café B**."})
    assert response.status_code == 303
    assert "on its way to 3 members" in client.get(URL).text
    recipients = {m.user_id for m in outbox.messages() if "community-message" in m.dedupe_key}
    wanted = {people[name].id for name in ("admin", "member", "digest")}
    assert recipients == wanted
    mail = outbox.last(people["member"].email)
    assert mail.subject == "Paris UX Nights: Venue change"
    assert mail.context["admin_name"] == "Ada Admin"
    assert mail.context["community_name"] == "Paris UX Nights"
    assert "<strong>Café B</strong>" in mail.context["body_html"]
    assert "**" not in mail.context["body_text"]
    assert mail.headers["List-Unsubscribe"] == f"<{mail.context['unsubscribe_url']}>"
    page = client.get(URL)
    assert "Venue change" in page.text and "Ada Admin" in page.text


def test_markup_in_a_message_is_made_safe(client, club, outbox) -> None:
    _, people = club
    sign_in(client, people["admin"])
    client.submit(
        URL, {"subject": "Hi", "body": "<script>alert(1)</script> [x](javascript:alert(1))"}
    )
    html = outbox.last(people["member"].email).context["body_html"]
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as text
    assert "href" not in html  # the javascript: link is not one


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"subject": "", "body": "Hello"}, "subject", "Give the message a subject."),
        ({"subject": "Hi", "body": "  "}, "body", "Write the message."),
        (
            {"subject": "x" * (COMMUNITY_MESSAGE_SUBJECT_MAX_LENGTH + 1), "body": "Hello"},
            "subject",
            "Use at most 200 characters",
        ),
        (
            {"subject": "Hi", "body": "x" * (COMMUNITY_MESSAGE_BODY_MAX_LENGTH + 1)},
            "body",
            "Use at most 10000 characters",
        ),
    ],
)
def test_bad_fields_are_refused_next_to_them(client, club, outbox, data, field, message) -> None:
    sign_in(client, club[1]["admin"])
    response = client.submit(URL, data)
    assert response.status_code == 422
    assert message in response.text and f'id="{field}-error"' in response.text
    assert outbox.messages() == []


def test_a_third_message_in_seven_days_is_refused_saying_when(app, client, club, outbox) -> None:
    community, people = club
    with app.app_context():
        db.session.add(
            CommunityMessage(
                community_id=community.id, sender_id=people["admin"].id, subject="Old",
                body="Eight days ago", sent_at=utcnow() - timedelta(days=8),
            )
        )  # fmt: skip
        db.session.commit()
    sign_in(client, people["admin"])
    for number in (1, 2):
        assert client.submit(URL, {"subject": f"N{number}", "body": "Hi"}).status_code == 303
    page = client.get(URL)
    assert "The next one is possible from" in page.text and "Send to the members" not in page.text
    third = client.submit(URL, {"subject": "N3", "body": "Hi"})
    assert third.status_code == 422
    assert "2 messages in any seven days" in third.text and "The next one is possible" in third.text
    sent = [
        m for m in outbox.messages(people["member"].email) if "community-message" in m.dedupe_key
    ]
    assert len(sent) == 2


def test_the_page_s_queries_do_not_grow_with_its_messages(app, client, club, count_queries) -> None:
    community, people = club
    sign_in(client, people["admin"])
    client.get(URL)

    def add(number: int) -> None:
        with app.app_context():
            for n in range(number):
                db.session.add(
                    CommunityMessage(
                        community_id=community.id, sender_id=people["admin"].id,
                        subject=f"Old {n}", body="Hi", sent_at=utcnow() - timedelta(days=30),
                    )
                )  # fmt: skip
            db.session.commit()

    add(1)
    with count_queries() as few:
        assert client.get(URL).status_code == 200
    add(20)
    with count_queries() as many:
        assert "Old 19" in client.get(URL).text
    assert many.count == few.count
