"""The demo's series: Paris UX Nights, on the first Thursday of every month
at 19:00 Paris time, made by Chloé in its community last summer.

It is made as a host and the jobs would have made it: through the series'
services, at the time each step happened (the series in August, its horizon
filled week by week since), so its first editions are in summer time and the
later ones in winter time, every one at 19:00 in Paris. Its story:

- September and October (summer time) and the last one before today (winter
  time) are the editions with talks, replies, check-ins and feedback (the
  report compares them); an edition between them had a quieter evening;
- the next one is full, with a waitlist;
- the one after was moved to the Friday (changed on its own: the series'
  calendar shows it as an override), and the third is cancelled (its date an
  EXDATE);
- Grace (a member who chose the digest) and Hugo (not a member) follow it;
- its past editions were followed up (the demo's follow-up to send is
  another event's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from meetup.extensions import db
from meetup.lib.schedules import Frequency, Schedule
from meetup.models import (
    CommunityEvent,
    Event,
    FollowupDone,
    Rsvp,
    Series,
    SeriesFollower,
    SeriesOccurrence,
    User,
)
from meetup.services.communities import events as community_events
from meetup.services.events.event_details import EventDetails, details_from
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import replying
from meetup.services.series.occurrences import create_series, fill_series

COMMUNITY = "paris-ux-nights"
HOST = "chloe@example.org"
ZONE = "Europe/Paris"
AT = time(19, 0)
LENGTH = timedelta(hours=2, minutes=30)
THURSDAY = 3
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Edition:
    """An edition with its own talks: its title, and who replied (in order)."""

    title: str
    description: str
    topics: list[str]
    replies: list[str]
    capacity: int = 40
    no_shows: list[str] = field(default_factory=list)  # went, never came


FIRST_EDITIONS = [
    Edition(
        "Paris UX Nights: inclusive forms",
        "Labels, errors and autocomplete that work for everyone. Two talks, then drinks.",
        ["product design", "accessibility"],
        ["ada@example.org", "ben@example.org", "dev@example.org", "grace@example.org",
         "hugo@example.org", "fatima@example.org", "emil@example.org"],
        no_shows=["emil@example.org"],
    ),
    Edition(
        "Paris UX Nights: design tokens in practice",
        "How three teams moved their colours, spacing and type into tokens.",
        ["product design", "design systems"],
        ["ada@example.org", "dev@example.org", "grace@example.org", "fatima@example.org"],
    ),
]  # fmt: skip
LAST_EDITION = Edition(
    "Paris UX Nights: research ops",
    "Recruiting participants, consent and a research repository people actually read.",
    ["product design", "user research"],
    ["ben@example.org", "dev@example.org", "grace@example.org", "hugo@example.org",
     "ada@example.org"],
)  # fmt: skip
# Full: two going, then Ada and Fatima on the waitlist.
NEXT_EDITION = Edition(
    "Paris UX Nights: accessible design systems",
    "Three short talks on building **accessible components**, then drinks.",
    ["product design", "accessibility", "design systems"],
    ["ben@example.org", "dev@example.org", "ada@example.org", "fatima@example.org"],
    capacity=2,
)
QUIET_EVENING = ["ada@example.org", "grace@example.org", "hugo@example.org"]
FOLLOWERS = ["grace@example.org", "hugo@example.org"]
CANCELLED = "No edition this month: Atelier Nuage is closed for works. See you the month after!"


def first_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(THURSDAY - first.weekday()) % 7)


def series_start(now: datetime) -> date:
    """The first Thursday of the last September whose November's first
    Thursday is past: September and October in summer time, November and
    later in winter time, whatever the day the demo is made."""
    november_past = (now.month, now.day) > (11, 7)
    return first_thursday(now.year if november_past else now.year - 1, 9)


def seed_paris_ux_nights(people: dict[str, User], now: datetime) -> dict[str, Event]:
    """Make the series and its story; return its editions by title."""
    chloe = people[HOST]
    start = series_start(now)
    made_at = datetime.combine(start - timedelta(days=21), time(9, 0), tzinfo=UTC)
    series = create_series(chloe, _first_details(start), _monthly(start), now=made_at)
    moment = made_at + WEEK
    while moment < now:  # the horizon job, as it ran since
        fill_series(series, now=moment)
        moment += WEEK
    fill_series(series, now=now)
    made = _occurrences(series)
    past = [event for event in made if event.starts_at < now]
    upcoming = [event for event in made if event.starts_at >= now]
    editions = [
        *zip([*FIRST_EDITIONS, LAST_EDITION], [*past[:2], past[-1]], strict=True),
        (NEXT_EDITION, upcoming[0]),
    ]
    for edition, event in editions:
        _give_its_talks(chloe, edition, event, people, now=now)
    for event in past[2:-1]:
        _reply(event, QUIET_EVENING, people, now=now)
    _move_to_friday(chloe, upcoming[1], now=now)
    lifecycle.cancel_event(chloe, upcoming[2], message=CANCELLED, now=now)
    for email in FOLLOWERS:
        db.session.add(SeriesFollower(series=series, user=people[email], followed_at=made_at))
    _announced_long_ago(series, now=now)
    _followed_up_long_ago(past, now=now)
    db.session.flush()
    return {edition.title: event for edition, event in editions}


def _first_details(start: date) -> EventDetails:
    first = datetime.combine(start, AT)
    return EventDetails(
        title="Paris UX Nights",
        timezone=ZONE,
        starts_local=first,
        ends_local=first + LENGTH,
        description="Two short talks on design and research, then drinks.",
        venue_name="Atelier Nuage",
        venue_address="18 rue du Faubourg du Temple, 75011 Paris",
        capacity=40,
        topics=["product design", "accessibility"],
        community=COMMUNITY,
    )


def _monthly(start: date) -> Schedule:
    return Schedule(
        frequency=Frequency.MONTHLY,
        local_time=AT,
        timezone=ZONE,
        starts_on=start,
        nth_weekday=(1, THURSDAY),
    )


def _occurrences(series: Series) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
            .where(SeriesOccurrence.series_id == series.id)
            .order_by(Event.starts_at)
        )
    )


def _details_of(event: Event, **changes: object) -> EventDetails:
    """The event form's details of `event` as it is, with `changes`."""
    zone = ZoneInfo(event.timezone)
    as_it_is = {
        "starts_local": event.starts_at.astimezone(zone).replace(tzinfo=None),
        "ends_local": event.ends_at.astimezone(zone).replace(tzinfo=None),
        "topics": [topic.name for topic in event.topics],
        "rsvp_deadline_local": None,
        "community": COMMUNITY,
    }
    return details_from(event, **as_it_is | changes)


def _before(event: Event, now: datetime) -> datetime:
    """When its host and its people acted on an edition: ten days before it
    (or as soon as it was made), never later than now."""
    return min(now, max(event.published_at, event.starts_at - timedelta(days=10)))


def _give_its_talks(
    chloe: User, edition: Edition, event: Event, people: dict[str, User], *, now: datetime
) -> None:
    """The edition's own title and talks ("this occurrence"), then its replies."""
    changes = {
        "title": edition.title,
        "description": edition.description,
        "topics": edition.topics,
        "capacity": edition.capacity,
    }
    community_events.update_event(
        chloe, event, _details_of(event, **changes), now=_before(event, now)
    )
    event.series_link.is_detached = True
    _reply(event, edition.replies, people, now=now, no_shows=edition.no_shows)


def _reply(
    event: Event,
    emails: Sequence[str],
    people: dict[str, User],
    *,
    now: datetime,
    no_shows: Sequence[str] = (),
) -> None:
    """`emails` reply going, in order, before the edition; at a past one,
    all but the no-shows were checked in."""
    when = _before(event, now)
    for email in emails:
        replying.respond(people[email], event, replying.Reply(True, 0, {}, None), now=when)
    if event.starts_at >= now:
        return
    missed = {people[email].id for email in no_shows}
    for rsvp in db.session.scalars(select(Rsvp).where(Rsvp.event_id == event.id)):
        if rsvp.user_id not in missed:
            rsvp.checked_in_at = event.starts_at + timedelta(minutes=10)


def _move_to_friday(chloe: User, event: Event, *, now: datetime) -> None:
    """Moved a day later on its own: its RECURRENCE-ID stays the Thursday."""
    details = _details_of(event)
    moved = _details_of(
        event,
        starts_local=details.starts_local + timedelta(days=1),
        ends_local=details.ends_local + timedelta(days=1),
        description="Moved to the Friday this month: Atelier Nuage is booked on the Thursday.",
    )
    community_events.update_event(chloe, event, moved, now=now)
    event.series_link.is_detached = True


def _followed_up_long_ago(past: Sequence[Event], *, now: datetime) -> None:
    """Its past editions' follow-ups went out the morning after each (the
    demo's one follow-up to send is another event's): so whatever the day
    the demo is made, the first run of the jobs sends none of theirs."""
    db.session.add_all(FollowupDone(event_id=event.id, done_at=now) for event in past)


def _announced_long_ago(series: Series, *, now: datetime) -> None:
    """The demo's dates are history, not news: members and followers are
    not told of them again when `make run` starts the jobs."""
    event_ids = select(SeriesOccurrence.event_id).where(SeriesOccurrence.series_id == series.id)
    for table in (SeriesOccurrence, CommunityEvent):
        db.session.execute(
            update(table)
            .where(table.event_id.in_(event_ids), table.announced_at.is_(None))
            .values(announced_at=now)
            .execution_options(synchronize_session=False)
        )
