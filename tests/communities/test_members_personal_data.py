"""My data and account deletion: memberships, answers to join questions and
admin roles are exported as the person sees them, and erased with them."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import (
    CommunityAdmin,
    CommunityAnswer,
    CommunityMail,
    CommunityMember,
    CommunityQuestion,
    MembershipState,
)
from tests.plugins.app import DEFAULT_PASSWORD, sign_in


def test_my_data_holds_memberships_answers_and_admin_roles(
    app, make_user, make_community, make_member
):
    person, other_admin = make_user(), make_user()
    led = make_community(name="Paris UX Nights", admins=(person, other_admin))
    joined = make_community(name="Climate tech Stockholm", is_approval_required=True)
    blocked = make_community(name="Blocked Club")
    make_member(joined, person, MembershipState.DECLINED, mail=CommunityMail.NOTHING,
                is_listed=False)  # fmt: skip
    make_member(blocked, person, MembershipState.BLOCKED)
    with app.app_context():
        question = CommunityQuestion(community_id=joined.id, position=0, text="Why join?")
        db.session.add(question)
        db.session.flush()
        db.session.add(CommunityAnswer(question_id=question.id, user_id=person.id, text="Air"))
        db.session.commit()
    client = app.test_client()
    sign_in(client, person)
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))

    memberships = {entry["community"]: entry for entry in data["community_memberships"]}
    assert set(memberships) == {"Paris UX Nights", "Climate tech Stockholm"}  # no block told
    assert memberships["Climate tech Stockholm"]["state"] == "pending"  # declining is silent
    assert memberships["Climate tech Stockholm"]["mail"] == "nothing"
    assert memberships["Climate tech Stockholm"]["listing"] == "hidden"
    assert memberships["Paris UX Nights"]["state"] == "member"
    assert memberships["Paris UX Nights"]["listing"] == "default"
    assert data["community_join_answers"] == [
        {"community": "Climate tech Stockholm", "question": "Why join?", "answer": "Air"}
    ]
    assert [role["community"] for role in data["community_admin_roles"]] == ["Paris UX Nights"]
    assert data["community_admin_invitations_sent"] == []
    assert data["community_messages_sent"] == []

    assert client.submit("/account/delete", {"password": DEFAULT_PASSWORD}).status_code == 303
    with app.app_context():
        for model in (CommunityMember, CommunityAnswer, CommunityAdmin):
            count = db.session.scalar(
                select(func.count()).select_from(model).where(model.user_id == person.id)
            )
            assert count == 0, model.__name__
        # The community stays with its other admin.
        assert db.session.get(CommunityAdmin, (led.id, other_admin.id)) is not None
