"""Who may open an event's list of people, and whom it shows them.

The event's setting says who opens it: everyone who can see the event;
people going (and hosts); hosts only. Hosts see everyone who replied. Anyone
else sees the people going who are shown (listing.shown_condition), never
across a block. "As an attendee" is how connections, ticks, suggestions and
"met at" read it: a host's right to see every reply gives no right to ask,
tick or be told, so they pass viewer_is_host=False.

Whether someone who attended an event may be told that a person attended it
is the list's rule for a viewer going to it, as an attendee
(attendance_shown, and its SQL twin attendance_shown_condition).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import aliased

from meetup.extensions import db
from meetup.models import DirectoryVisibility, Event, EventStatus, Rsvp, RsvpStatus, User
from meetup.services.privacy.communities import members_event_condition
from meetup.services.privacy.listing import shown_by_copies, shown_condition

# The settings whose list opens to the people going to the event.
OPEN_TO_ATTENDEES = (DirectoryVisibility.EVERYONE, DirectoryVisibility.ATTENDEES)


def may_open_list(event: Event, *, viewer_is_host: bool, viewer_is_going: bool) -> bool:
    """May a viewer open `event`'s list of people? Hosts always; everyone
    where the event says so; the people going where it opens to them.
    (A viewer not signed in is never going.)"""
    if viewer_is_host or event.directory_visibility == DirectoryVisibility.EVERYONE:
        return True
    return viewer_is_going and event.directory_visibility in OPEN_TO_ATTENDEES


def list_shows(
    event: Event, *, person_shown: bool, viewer_is_host: bool, viewer_is_going: bool
) -> bool:
    """Does `event`'s list show a person going to it to a viewer?
    (`person_shown`: listing.is_shown.) Hosts see everyone who replied."""
    if viewer_is_host:
        return True
    return person_shown and may_open_list(
        event, viewer_is_host=False, viewer_is_going=viewer_is_going
    )


def attendance_shown(event: Event, *, person_shown: bool) -> bool:
    """May someone who attended `event` too be told that a person attended
    it? (`person_shown`: listing.is_shown.) The list's rule, as an attendee."""
    return list_shows(event, person_shown=person_shown, viewer_is_host=False, viewer_is_going=True)


def attendance_shown_condition(reply: Any = Rsvp) -> Any:
    """SQL over a reply: attendance_shown for its person and event (the
    matrix tests hold the two together)."""
    event = aliased(Event)
    open_to_attendees = select(event.id).where(event.directory_visibility.in_(OPEN_TO_ATTENDEES))
    return and_(shown_by_copies(reply), reply.event_id.in_(open_to_attendees))


def events_listing(person_id: int) -> Select:
    """SQL: the published events `person_id` is going to, each with whether
    they are shown in its list (column `shown`): the events whose lists may
    show them (a profile's lists, and where they may be asked from)."""
    return (
        select(Event, shown_condition().label("shown"))
        .join(Rsvp, Rsvp.event_id == Event.id)
        .join(User, User.id == Rsvp.user_id)
        .where(
            Rsvp.user_id == person_id,
            Rsvp.status == RsvpStatus.GOING,
            Event.status == EventStatus.PUBLISHED,
            User.deleted_at.is_(None),
        )
    )


def going_among(viewer_id: int, event_ids: list[int]) -> set[int]:
    """Those of `event_ids` that `viewer_id` is going to (one query)."""
    return set(
        db.session.scalars(
            select(Rsvp.event_id).where(
                Rsvp.user_id == viewer_id,
                Rsvp.status == RsvpStatus.GOING,
                Rsvp.event_id.in_(event_ids),
            )
        )
    )


def shown_in_some_list(viewer: User, person: User) -> bool:
    """Does some event's list show `person` to `viewer` as an attendee?
    Only among the events `viewer` may see (a members-only event's list
    shows nobody to a non-member, whatever its setting)."""
    rows = db.session.execute(
        events_listing(person.id).where(shown_condition(), members_event_condition(viewer.id))
    ).all()
    if not rows:
        return False
    going = going_among(viewer.id, [event.id for event, _ in rows])
    return any(
        list_shows(event, person_shown=shown, viewer_is_host=False,
                   viewer_is_going=event.id in going)
        for event, shown in rows
    )  # fmt: skip
