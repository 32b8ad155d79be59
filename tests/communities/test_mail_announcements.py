"""A community's new events reach its members: the announcement job through
the CLI, who gets one and who does not, what it says and its headers, the
batches, reruns, and two runs at once on committed data."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.mail.compose import build_message, render_bodies
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityEvent,
    CommunityMail,
    CommunityMember,
    Event,
    MembershipState,
    OutboxMessage,
    User,
)
from meetup.models.types import utcnow
from meetup.services.communities import announcements
from meetup.services.events import event_details
from meetup.services.hosting import lifecycle
from tests.followups.helpers import make_person, set_values


def _announce(runner) -> str:
    result = runner.invoke(args=["meetup", "announce-community-events"])
    assert result.exit_code == 0, result.output
    return result.output


def _announcements(outbox, event) -> list[OutboxMessage]:
    return [m for m in outbox.messages() if m.dedupe_key.startswith(f"community-event:{event.id}:")]


def test_each_member_who_chose_each_event_gets_one_announcement(
    app, runner, make_user, make_event, make_community, make_member, put_in_community, outbox
) -> None:
    admin = make_user(display_name="Ada Admin")
    community = make_community(admins=(admin,), name="Paris UX Nights")
    wanted = [make_user() for _ in range(3)]
    for person in wanted:
        make_member(community, person)
    others = {
        "digest": make_member(community, make_user(), mail=CommunityMail.WEEKLY_DIGEST),
        "nothing": make_member(community, make_user(), mail=CommunityMail.NOTHING),
        "pending": make_member(community, make_user(), MembershipState.PENDING),
        "declined": make_member(community, make_user(), MembershipState.DECLINED),
        "removed": make_member(community, make_user(), MembershipState.REMOVED),
        "blocked": make_member(community, make_user(), MembershipState.BLOCKED),
        "unverified": make_member(community, make_user(verified=False)),
    }
    stranger = make_user()
    event = put_in_community(make_event(creator=admin, title="March breakfast"), community)

    assert "3 announcement(s) queued to 3 member(s) of 1 event(s)" in _announce(runner)

    mails = _announcements(outbox, event)
    assert sorted(m.user_id for m in mails) == sorted(p.id for p in wanted)
    assert {row.user_id for row in others.values()}.isdisjoint(m.user_id for m in mails)
    assert stranger.id not in {m.user_id for m in mails}
    assert admin.id not in {m.user_id for m in mails}  # they published it
    with app.app_context():
        assert db.session.get(CommunityEvent, event.id).announced_at is not None
    # A rerun, and a retried publish (the link made anew), queue nothing more.
    assert "0 announcement(s)" in _announce(runner)
    with app.app_context():
        db.session.get(CommunityEvent, event.id).announced_at = None
        db.session.commit()
    _announce(runner)
    assert len(_announcements(outbox, event)) == 3


def test_an_announcement_names_its_community_the_event_and_unsubscribes(
    app, runner, make_user, make_event, make_community, make_member, put_in_community, outbox
) -> None:
    community = make_community(name="Paris UX Nights", slug="paris-ux")
    grace = make_user(email="grace@example.org", display_name="Grace")
    set_values(app, grace, timezone="America/New_York")
    make_member(community, grace)
    event = put_in_community(
        make_event(title="March breakfast", venue_name="Café Central"), community
    )
    _announce(runner)
    mail = outbox.last("grace@example.org")
    assert mail.subject == "Paris UX Nights: March breakfast"
    assert mail.calendar is None and mail.calendar_method is None  # the invitation comes on reply
    assert mail.context["community_name"] == "Paris UX Nights"
    assert mail.context["url"].endswith(f"/events/{event.slug}")
    assert mail.context["community_url"].endswith("/communities/paris-ux")
    link = mail.context["unsubscribe_url"]
    assert mail.headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    # Her time zone, not the event's (Paris).
    assert mail.context["when"].endswith("EST") and ", 12:30–" in mail.context["when"]
    with app.app_context():
        text, html = render_bodies(db.session.get(OutboxMessage, mail.id))
        message = build_message(db.session.get(OutboxMessage, mail.id))
    for body in (text, html):
        assert "Paris UX Nights" in body and "March breakfast" in body
        assert "Café Central" in body and link.replace("&", "&amp;") in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not any(part.get_content_type() == "text/calendar" for part in message.walk())


def test_drafts_past_events_and_events_outside_communities_are_not_announced(
    app, runner, make_user, make_event, make_community, make_member, put_in_community, outbox
) -> None:
    admin = make_user()
    community = make_community(admins=(admin,))
    member = make_user()
    make_member(community, member)
    draft = put_in_community(make_event(creator=admin, publish=False), community)
    make_event(creator=admin)  # not the community's
    _announce(runner)
    assert outbox.messages(member.email) == []
    with app.app_context():
        actor = db.session.get(User, admin.id)
        lifecycle.publish_event(actor, db.session.get(Event, draft.id), now=utcnow())
        db.session.commit()
    _announce(runner)
    assert [m.dedupe_key for m in outbox.messages(member.email)] == [
        f"community-event:{draft.id}:{member.id}"
    ]


def test_a_large_community_is_announced_in_batches_each_committed(
    app, make_user, make_event, make_community, make_member, put_in_community, outbox
) -> None:
    community = make_community()
    members = [make_user() for _ in range(7)]
    for person in members:
        make_member(community, person)
    event = put_in_community(make_event(), community)
    with app.app_context():
        steps = []
        for step in announcements.announce_events(batch_size=3):
            db.session.commit()
            steps.append(step)
    assert [(s.people, s.queued, s.ends_item) for s in steps] == [
        (3, 3, False),
        (3, 3, False),
        (1, 1, True),
    ]
    assert len(_announcements(outbox, event)) == 7


def test_members_only_event_is_announced_to_members_only(
    app, runner, make_user, make_event, make_community, make_member, put_in_community, outbox
) -> None:
    community = make_community()
    member, removed = make_user(), make_user()
    make_member(community, member)
    make_member(community, removed, MembershipState.REMOVED)
    event = put_in_community(make_event(), community, members_only=True)
    _announce(runner)
    assert [m.user_id for m in _announcements(outbox, event)] == [member.id]


# Two runs at once, on committed data


def _committed_world(app: Flask, members: int) -> int:
    admin = make_person(app, 0)
    people = [make_person(app, number) for number in range(1, members + 1)]
    with app.app_context():
        community = Community(slug="race", name="Race club", search_text="race club")
        db.session.add(community)
        db.session.flush()
        db.session.add(CommunityAdmin(community_id=community.id, user_id=admin.id))
        for person in [admin, *people]:
            db.session.add(
                CommunityMember(
                    community_id=community.id, user_id=person.id, state=MembershipState.MEMBER,
                    mail=CommunityMail.EACH_EVENT, joined_at=utcnow(),
                )
            )  # fmt: skip
        start = (utcnow() + timedelta(days=7)).replace(tzinfo=None)
        actor = db.session.get(User, admin.id)
        event = lifecycle.create_event(
            actor,
            event_details.EventDetails(title="Race night", timezone="UTC", starts_local=start,
                                       ends_local=start + timedelta(hours=2), venue_name="Hall"),
        ).event  # fmt: skip
        lifecycle.publish_event(actor, event, now=utcnow())
        db.session.add(CommunityEvent(event_id=event.id, community_id=community.id))
        db.session.commit()
        return event.id


def test_runs_at_once_queue_one_announcement_per_member(racing_app: Flask) -> None:
    members, runs = 20, 3
    event_id = _committed_world(racing_app, members)
    barrier = threading.Barrier(runs)

    def run(_: int) -> int:
        queued = 0
        with racing_app.app_context():
            barrier.wait(timeout=30)
            try:
                for step in announcements.announce_events(batch_size=4):
                    db.session.commit()
                    queued += step.queued
            finally:
                db.session.remove()
        return queued

    with ThreadPoolExecutor(runs) as pool:
        queued = list(pool.map(run, range(runs)))
    assert sum(queued) == members
    with racing_app.app_context():
        per_person = db.session.execute(
            select(OutboxMessage.user_id, func.count())
            .where(OutboxMessage.dedupe_key.like(f"community-event:{event_id}:%"))
            .group_by(OutboxMessage.user_id)
        ).all()
        assert len(per_person) == members and {count for _, count in per_person} == {1}
        assert db.session.get(CommunityEvent, event_id).announced_at is not None
        db.session.remove()
