"""A person's display name, and the sort key their replies carry.

Directories read a page of an event's people in name order from an index
on the replies (Rsvp.sort_name), so every change of a display name goes
through rename(), which keeps that copy current in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import update

from meetup.extensions import db
from meetup.models import Rsvp, User
from meetup.models.rsvp import name_sort_key


def rename(person: User, display_name: str) -> None:
    """Give `person` the (already cleaned) `display_name`, and re-sort their
    replies under it: one statement, on the replies' index on user_id."""
    if person.display_name == display_name:
        return
    person.display_name = display_name
    if person.id is not None:
        db.session.execute(
            update(Rsvp)
            .where(Rsvp.user_id == person.id)
            .values(sort_name=name_sort_key(display_name))
            .execution_options(synchronize_session="fetch")
        )
