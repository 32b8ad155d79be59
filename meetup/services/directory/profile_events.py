"""A person's events on their profile: the events whose list of people shows
them to the viewer (services.privacy's rule, per event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.models import Event, EventVisibility, User
from meetup.services import privacy
from meetup.services.directory.access import shows_person
from meetup.services.events.event_listing import EventCard

PROFILE_EVENTS = 10  # per list on a profile
PROFILE_CANDIDATES = 200  # a person's latest replies a profile looks through


@dataclass(frozen=True)
class PersonEvents:
    """What a profile lists of a person's events, as its viewer may see it."""

    going: list[EventCard]  # public, upcoming, going and shown to the viewer
    went: list[EventCard]  # public, past, went and shown to the viewer
    together: list[EventCard]  # past events the viewer and the person both went to


def events_showing(
    viewer: User | None, person: User, *, now: datetime, limit: int = PROFILE_EVENTS
) -> PersonEvents:
    """The events whose directory shows `person` to `viewer` (a profile's
    lists): the same rule as visible_attendees, applied per event. Four
    queries, whatever the number of events."""
    rows = db.session.execute(
        privacy.events_listing(person.id)
        .order_by(Event.starts_at.desc())
        .limit(PROFILE_CANDIDATES)
        .options(selectinload(Event.hosts), selectinload(Event.topics))
    ).all()
    viewer_going: set[int] = set()
    if viewer is not None and rows:
        viewer_going = privacy.going_among(viewer.id, [event.id for event, _ in rows])
    hidden: set[int] = set()
    if viewer is not None:
        members_only = {
            event.id for event, _ in rows if event.visibility == EventVisibility.MEMBERS
        }
        hidden = privacy.hidden_members_events({viewer.id}, members_only).get(viewer.id, set())
    going: list[EventCard] = []
    went: list[EventCard] = []
    together: list[EventCard] = []
    for event, shown in rows:
        is_going = event.id in viewer_going
        if not shows_person(viewer, event, person_shown=shown, viewer_is_going=is_going):
            continue
        card = EventCard.of(event)
        is_past = event.ends_at <= now
        if event.visibility == EventVisibility.PUBLIC:
            (went if is_past else going).append(card)
        if is_past and is_going and viewer is not None and viewer.id != person.id:
            if event.id in hidden:  # a community's, and the viewer is no longer a member
                continue
            together.append(card)
    going.reverse()  # soonest first
    return PersonEvents(going=going[:limit], went=went[:limit], together=together[:limit])
