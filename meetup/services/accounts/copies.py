"""What each reply copies from its person, for the directory's index.

A directory page reads its people in name order from an index on the
replies, and counts them from that index alone: each reply carries its
person's name folded for sorting (Rsvp.sort_name) and whether they are
listed by default (Rsvp.is_person_listed, services.privacy.is_listed_by_default). So
every change of a display name goes through rename(), and every change of
the listing through relist(), which keep the copies current in the same
transaction: one statement on the replies' index on user_id.
"""

from __future__ import annotations

from sqlalchemy import update

from meetup.extensions import db
from meetup.models import Rsvp, User
from meetup.models.rsvp import name_sort_key


def rename(person: User, display_name: str) -> None:
    """Give `person` the (already cleaned) `display_name`, and re-sort their
    replies under it."""
    if person.display_name == display_name:
        return
    person.display_name = display_name
    _copy_to_replies(person, sort_name=name_sort_key(display_name))


def relist(person: User, *, listed: bool) -> None:
    """After `person`'s privacy choices changed: `listed` (the answer of
    services.privacy.is_listed_by_default) onto their replies."""
    _copy_to_replies(person, is_person_listed=listed)


def _copy_to_replies(person: User, **values: object) -> None:
    if person.id is not None:
        db.session.execute(
            update(Rsvp)
            .where(Rsvp.user_id == person.id)
            .values(**values)
            .execution_options(synchronize_session="fetch")
        )
