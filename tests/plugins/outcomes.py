"""Past events people went to, and their feedback: for the outcomes tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from meetup.extensions import db
from meetup.models import Event, Feedback, Rsvp, User
from meetup.models.types import utcnow
from meetup.services.outcomes import feedback
from meetup.services.rsvps import replying


@pytest.fixture
def past_event(app: Flask, make_event: Callable[..., Event]) -> Callable[..., Event]:
    """past_event(*attendees, not_attended=(), ended_days_ago=1, **details): an
    event everyone in `attendees` went to (checked in) and `not_attended`
    said going to but missed (not checked in, with check-in taken seriously),
    moved into the past."""

    def make(
        *attendees: User, not_attended: tuple = (), ended_days_ago: float = 1, **details
    ) -> Event:
        event = make_event(**details)
        with app.app_context():
            for person in (*attendees, *not_attended):
                replying.respond(db.session.get(User, person.id), db.session.get(Event, event.id),
                                 replying.Reply(going=True))  # fmt: skip
            db.session.execute(
                update(Rsvp)
                .where(Rsvp.event_id == event.id, Rsvp.user_id.in_([p.id for p in attendees]))
                .values(checked_in_at=utcnow())
            )
            end = utcnow() - timedelta(days=ended_days_ago)
            db.session.execute(
                update(Event)
                .where(Event.id == event.id)
                .values(starts_at=end - timedelta(hours=2), ends_at=end)
            )
            db.session.commit()
            moved = db.session.get(Event, event.id)
            _ = [host.user for host in moved.hosts]
            db.session.expunge_all()
        return moved

    return make


@pytest.fixture
def answer(app: Flask) -> Callable[..., Feedback]:
    """answer(person, event, rating=4, again=True, comment="", signed=False):
    feedback through the service, committed."""

    def give(
        person: User, event: Event, rating: int = 4, again: bool = True, comment: str = "",
        signed: bool = False,
    ) -> Feedback:  # fmt: skip
        with app.app_context():
            saved = feedback.give_feedback(
                db.session.get(User, person.id), db.session.get(Event, event.id),
                feedback.Answer(rating, again, comment, signed), now=utcnow(),
            )  # fmt: skip
            db.session.commit()
            db.session.refresh(saved)
            db.session.expunge(saved)
            return saved

    return give
