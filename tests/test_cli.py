"""`flask meetup ...` commands."""

from __future__ import annotations

from sqlalchemy import func, select

from meetup.demo import DEMO_LOGIN_EMAIL, DEMO_PASSWORD
from meetup.extensions import db
from meetup.models import User
from meetup.models.types import utcnow


def _count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_seed_demo_fills_an_empty_database_once(app, runner, auth) -> None:
    result = runner.invoke(args=["meetup", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data added." in result.output
    assert f"{DEMO_LOGIN_EMAIL} / {DEMO_PASSWORD}" in result.output
    seeded = _count_users(app)
    assert seeded >= 5

    again = runner.invoke(args=["meetup", "seed-demo"])
    assert again.exit_code == 0
    assert "already has data" in again.output
    assert _count_users(app) == seeded

    with app.app_context():
        from meetup.models import Event, EventStatus

        demo_events = db.session.scalars(select(Event)).all()
        assert len(demo_events) >= 12
        assert any(event.status == EventStatus.CANCELLED for event in demo_events)
        assert any(event.ends_at < utcnow() for event in demo_events)
        assert any(event.online_url and not event.venue_name for event in demo_events)
        assert len({event.timezone for event in demo_events}) >= 5
        # Directories of every kind, with someone hidden by choice for one event.
        assert {event.directory_visibility.value for event in demo_events} == {
            "everyone", "attendees", "hosts",
        }  # fmt: skip
        from meetup.models import DirectoryChoice, Rsvp

        assert db.session.scalars(
            select(Rsvp).where(Rsvp.directory_choice == DirectoryChoice.HIDDEN)
        ).first()

    # The printed demo login works, and shows Ada whom she should meet.
    assert auth.login(DEMO_LOGIN_EMAIL, DEMO_PASSWORD).status_code == 303
    with app.app_context():
        slug = db.session.scalar(
            select(Event.slug).where(Event.title == "Climate tech careers night")
        )
    people = auth.client.get(f"/events/{slug}/people").get_data(as_text=True)
    section = people.split("People you should meet")[1].split("</section>")[0]
    assert "Grace Kim" in section and "Hugo Silva" in section
    assert "Hugo Silva is looking for a new job, and you&#39;re hiring" in section


def test_seed_demo_leaves_a_database_with_data_alone(app, runner, make_user) -> None:
    make_user()
    result = runner.invoke(args=["meetup", "seed-demo"])
    assert "already has data" in result.output
    assert _count_users(app) == 1


def test_the_demo_has_two_communities(app, runner, client) -> None:
    from meetup.models import (
        Community,
        CommunityAdmin,
        CommunityAnswer,
        CommunityEvent,
        CommunityMail,
        CommunityMember,
        Event,
        EventHost,
        MembershipState,
    )
    from meetup.services.suggestions import lists
    from tests.plugins.app import sign_in

    assert runner.invoke(args=["meetup", "seed-demo"]).exit_code == 0
    with app.app_context():
        ux, climate = (
            db.session.scalar(select(Community).where(Community.name == name))
            for name in ("Paris UX Nights", "Climate tech Stockholm")
        )
        people = {user.email: user for user in db.session.scalars(select(User))}
        ada, ben, dev = (people[f"{name}@example.org"] for name in ("ada", "ben", "dev"))
        admins = {
            (row.community_id, row.user_id) for row in db.session.scalars(select(CommunityAdmin))
        }
        members = {
            (row.community_id, row.user_id): row
            for row in db.session.scalars(select(CommunityMember))
        }
        # Ada: a member of one, an admin of the other.
        assert members[ux.id, ada.id].state == MembershipState.MEMBER
        assert (ux.id, ada.id) not in admins and (climate.id, ada.id) in admins
        # Stockholm asks for approval, with one question, and a request waits.
        assert climate.is_approval_required and len(climate.questions) == 1
        assert climate.city == "Stockholm" and not ux.is_approval_required
        pending = [row for row in members.values() if row.state == MembershipState.PENDING]
        assert [row.community_id for row in pending] == [climate.id]
        answer = db.session.scalar(select(CommunityAnswer))
        assert answer.user_id == pending[0].user_id and answer.text
        # Members with each mail choice.
        assert {row.mail for row in members.values()} == set(CommunityMail)
        # Paris UX Nights' monthly editions (its series': tests/series/
        # test_demo_series.py), several past and three upcoming, in Paris,
        # each the next edition of the one before.
        editions = list(db.session.scalars(
            select(Event).join(CommunityEvent, CommunityEvent.event_id == Event.id)
            .where(CommunityEvent.community_id == ux.id).order_by(Event.starts_at)
        ))  # fmt: skip
        now = utcnow()
        past = [e for e in editions if e.starts_at < now]
        assert editions[: len(past)] == past and len(past) >= 3 and len(editions) == len(past) + 3
        assert {e.timezone for e in editions} == {"Europe/Paris"}
        assert [e.previous_edition_id for e in editions[1:]] == [e.id for e in editions[:-1]]
        # The admins host their community's events.
        for community_id, user_id in admins:
            for link in db.session.scalars(
                select(CommunityEvent).where(CommunityEvent.community_id == community_id)
            ):
                assert db.session.get(EventHost, (link.event_id, user_id)) is not None
        # Ben, going to the next edition, is told where he met Dev before.
        found = lists.suggestions_for(ben, editions[len(past)], limit=10)
        reasons = next(s.reasons for s in found if s.user_id == dev.id)
        assert reasons[0] == "You were both at Paris UX Nights: research ops"
        chloe = people["chloe@example.org"]
        db.session.expunge_all()
    # Chloé reads what the editions did.
    sign_in(client, chloe)
    text = client.get(f"/communities/{ux.slug}/report").get_data(as_text=True)
    assert f"<dt>Events</dt><dd>{len(past)}</dd>" in text and "<dt>Came back</dt>" in text
