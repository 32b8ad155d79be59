"""Building ended events for the follow-up tests, and running the job as
the CLI does (a commit after each step)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import delete, update

from meetup.extensions import db
from meetup.models import Event, OutboxMessage, Rsvp, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.connections import blocks
from meetup.services.events import event_details
from meetup.services.followups import sending
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import replying

WEEK = timedelta(days=7)


def ended_event(
    app: Flask,
    host: User,
    going: list[User],
    *,
    ended_ago: timedelta = timedelta(hours=3),
    hidden: tuple[User, ...] = (),
    checked_in: tuple[User, ...] | None = None,
    directory: str = "attendees",
    zone: str = "Europe/Paris",
    title: str = "Founders breakfast",
) -> Event:
    """A published event `host` created, everyone in `going` replied "going"
    to (listed, unless in `hidden`), which ended `ended_ago` (it lasted two
    hours); `checked_in`: those the hosts checked in (None: nobody)."""
    with app.app_context():
        start = (utcnow() + WEEK).replace(tzinfo=None, second=0, microsecond=0)
        details = event_details.EventDetails(
            title=title, timezone=zone, starts_local=start, ends_local=start + timedelta(hours=2),
            venue_name="Small room",
        )  # fmt: skip
        actor = db.session.get(User, host.id)
        event = lifecycle.create_event(actor, details).event
        event.directory_visibility = directory
        lifecycle.publish_event(actor, event)
        hidden_ids = {person.id for person in hidden}
        for person in going:
            choice = "hidden" if person.id in hidden_ids else "shown"
            replying.respond(db.session.get(User, person.id), event,
                             replying.Reply(going=True, directory_choice=choice))  # fmt: skip
        for person in checked_in or ():
            db.session.execute(
                update(Rsvp)
                .where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
                .values(checked_in_at=utcnow())
            )
        end = utcnow() - ended_ago
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(starts_at=end - timedelta(hours=2), ends_at=end)
        )
        # The replies' own notices are not under test: only follow-ups are left.
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
        db.session.refresh(event)
        db.session.expunge(event)
    return event


def make_person(app: Flask, number: int, **values: object) -> User:
    """A member with a confirmed address, committed (for apps without make_user)."""
    with app.app_context():
        person = credentials.register_user(
            email=f"member{number}@example.org", display_name=f"Member {number}",
            password="correct horse battery",
        )  # fmt: skip
        person.email_verified_at = utcnow()
        for name, value in values.items():
            setattr(person, name, value)
        db.session.commit()
        db.session.refresh(person)
        db.session.expunge(person)
    return person


def block(app: Flask, blocker: User, blocked: User) -> None:
    with app.app_context():
        blocks.block_person(db.session.get(User, blocker.id), blocked.id)
        db.session.commit()


def set_values(app: Flask, person: User, **values: object) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == person.id).values(**values))
        db.session.commit()


def run_job(
    app: Flask,
    *,
    delay: timedelta | None = timedelta(hours=1),
    now: datetime | None = None,
    max_age: timedelta = WEEK,
    batch_size: int = sending.BATCH_SIZE,
) -> list[sending.Step]:
    """Run the job to its end, committing after each step as the CLI does."""
    steps = []
    with app.app_context():
        for step in sending.follow_up_due(
            delay=delay, max_age=max_age, now=now, batch_size=batch_size
        ):
            db.session.commit()
            steps.append(step)
    return steps
