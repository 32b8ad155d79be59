"""Probes of a community's one-line fields and its admins' message subjects
with characters that show nothing or turn the text around: a name made of
zero-width characters looks empty everywhere, and a bidi override
(U+202E...) reverses what follows it, on pages and in mail subjects ("Would
you help run “‮moc.evil”?"). Both are refused at their field; emoji joined
by U+200D and right-to-left scripts stay welcome."""

from __future__ import annotations

import pytest

from meetup.extensions import db
from meetup.models import Community, CommunityMessage
from tests.plugins.app import sign_in

FIELDS = {"name": "Paris UX Nights", "description": "People.", "topics": "", "city": ""}


@pytest.mark.parametrize(
    "field, text",
    [
        ("name", "\u200b"),
        ("name", "\u200b\u2060\ufeff"),
        ("name", "\u202eselbat"),
        ("name", "Paris \u2066UX\u2069"),
        ("city", "\u202dParis"),
        ("question_1", "Why \u202ejoin?"),
    ],
)
def test_invisible_or_reversing_text_is_refused_at_its_field(
    app, client, make_user, field, text
) -> None:
    sign_in(client, make_user())
    response = client.submit("/communities/new", FIELDS | {field: text})

    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    with app.app_context():
        assert db.session.query(Community).count() == 0


@pytest.mark.parametrize("name", ["Women\u200d\U0001f4bb who code", "مجتمع التصميم", "קהילה"])
def test_joined_emoji_and_right_to_left_names_are_kept(app, client, make_user, name) -> None:
    sign_in(client, make_user())
    response = client.submit("/communities/new", FIELDS | {"name": name})

    assert response.status_code == 303
    with app.app_context():
        assert db.session.query(Community).one().name == name


def test_a_message_subject_that_reverses_the_mail_s_subject_is_refused(
    app, client, make_user, make_community, make_member
) -> None:
    admin = make_user()
    community = make_community(admins=(admin,))
    make_member(community, make_user())
    sign_in(client, admin)

    response = client.submit(
        f"/communities/{community.slug}/messages", {"subject": "\u202eNews", "body": "Hello."}
    )

    assert response.status_code == 422
    with app.app_context():
        assert db.session.query(CommunityMessage).count() == 0
