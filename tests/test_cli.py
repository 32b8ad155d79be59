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
