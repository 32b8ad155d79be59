"""Replying through the services and reading the list back: for the RSVP,
hosting, directory and calendar tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, Rsvp, RsvpStatus, User
from meetup.services.rsvps import replying


@pytest.fixture
def reply(app: Flask) -> Callable[..., Rsvp]:
    """reply(person, event, going=True, guests=0, answers=None, now=None): answer
    through the service and commit; returns the reply, detached."""

    def do(
        person: User,
        event: Event,
        going: bool = True,
        *,
        guests: int = 0,
        answers: dict[str, str] | None = None,
        now: datetime | None = None,
    ) -> Rsvp:
        with app.app_context():
            rsvp = replying.respond(
                db.session.get(User, person.id),
                db.session.get(Event, event.id),
                replying.Reply(going, guests, answers or {}),
                now=now,
            )
            db.session.commit()
            db.session.refresh(rsvp)
            db.session.expunge(rsvp)
            return rsvp

    return do


@pytest.fixture
def host_acts(app: Flask) -> Callable[..., Rsvp]:
    """host_acts(action, host, rsvp, **kwargs): approve/decline/remove and commit."""

    def do(action: Callable[..., Any], host: User, rsvp: Rsvp, **kwargs: Any) -> Rsvp:
        with app.app_context():
            mine = db.session.get(Rsvp, rsvp.id)
            action(db.session.get(User, host.id), mine, **kwargs)
            db.session.commit()
            db.session.refresh(mine)
            db.session.expunge(mine)
            return mine

    return do


@pytest.fixture
def lineup(app: Flask) -> Callable[[Event], dict[str, tuple[str, int | None]]]:
    """lineup(event): {display name: (status, waitlist position)}."""

    def read(event: Event) -> dict[str, tuple[str, int | None]]:
        with app.app_context():
            rows = db.session.execute(
                select(User.display_name, Rsvp.status, Rsvp.waitlist_position)
                .join(User, User.id == Rsvp.user_id)
                .where(Rsvp.event_id == event.id)
            )
            return {name: (status.value, position) for name, status, position in rows}

    return read


def waitlist_positions(app: Flask, event: Event) -> list[int]:
    with app.app_context():
        return sorted(
            db.session.scalars(
                select(Rsvp.waitlist_position).where(
                    Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.WAITLISTED
                )
            )
        )
