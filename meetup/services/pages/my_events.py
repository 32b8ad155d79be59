"""My events: the events a person replies to or hosts, and what the past ones
did for them (outcomes.personal)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from meetup.extensions import db
from meetup.models import (
    ACTIVE_STATUSES,
    Event,
    EventHost,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.outcomes.personal import EventOutcome, event_outcomes
from meetup.services.rsvps.replying import (
    directory_choice_value,
)


@dataclass(frozen=True)
class MyEvent:
    event: Event
    rsvp: Rsvp | None  # None: hosting without a reply
    is_host: bool
    # The person may still show or hide themselves in its list of people.
    can_choose_directory: bool = False
    outcome: EventOutcome | None = None  # past events: what it did for the person

    @property
    def directory_choice(self) -> str:
        return directory_choice_value(self.rsvp)


@dataclass(frozen=True)
class MyEvents:
    upcoming: list[MyEvent]
    past: list[MyEvent]


def my_events(person: User, *, now: datetime | None = None) -> MyEvents:
    """Events the person replied to or hosts: upcoming (every reply, with its
    status and waitlist place) and past (the ones they went to or hosted, with
    what each did for them)."""
    now = now or utcnow()
    replies = {
        rsvp.event_id: rsvp
        for rsvp in db.session.scalars(
            select(Rsvp)
            .where(
                Rsvp.user_id == person.id,
                # A members-only event is theirs while they are a member (or host it).
                Rsvp.event.has(privacy.members_event_condition(person.id)),
            )
            .options(joinedload(Rsvp.event))
        )
    }
    hosted = {
        event.id: event
        for event in db.session.scalars(
            select(Event).join(EventHost).where(EventHost.user_id == person.id)
        )
    }
    events = {rsvp.event_id: rsvp.event for rsvp in replies.values()} | hosted
    upcoming, past = [], []
    for event in sorted(events.values(), key=lambda e: e.starts_at):
        rsvp = replies.get(event.id)
        item = MyEvent(
            event,
            rsvp,
            event.id in hosted,
            can_choose_directory=(
                rsvp is not None and rsvp.status in ACTIVE_STATUSES and event.ends_at > now
            ),
        )
        if event.ends_at > now:
            upcoming.append(item)
        elif item.is_host or (item.rsvp and item.rsvp.status == RsvpStatus.GOING):
            past.append(item)
    past.reverse()
    outcomes = event_outcomes(person, [item.event for item in past], now=now)
    past = [replace(item, outcome=outcomes[item.event.id]) for item in past]
    return MyEvents(upcoming, past)
