"""The replies' part of My data (services.personal_data registers it): the
export is rsvps.export's; erasing forgets the person's replies."""

from __future__ import annotations

from sqlalchemy import update

from meetup.extensions import db
from meetup.models import (
    RsvpChange,
    User,
)
from meetup.services.rsvps.replying import forget_person


def erase_replies(user: User) -> None:
    """The person's replies go (their seats to the waitlists); the changes they
    made to others' replies as a host stay, by nobody."""
    forget_person(user)
    db.session.execute(
        update(RsvpChange).where(RsvpChange.actor_id == user.id).values(actor_id=None)
    )
