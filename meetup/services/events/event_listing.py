"""Finding events: the listing, search, filters, topic pages and host pages.

Search matches every word, ignoring case and accents, anywhere in an event's
title, description, topics and venue. Words are folded in Python and matched
against Event.search_text (folded the same way when saved), so SQLite and
PostgreSQL give the same results, in every script.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, exists, or_, select

from meetup.extensions import db
from meetup.lib.text import fold_for_search, normalize_tag
from meetup.lib.timezones import EARLIEST_EVENT_TIME, LATEST_EVENT_TIME
from meetup.models import Event, EventHost, EventStatus, EventTopic, EventVisibility, User
from meetup.models.event import EventPlace
from meetup.services.errors import NotFound

PER_PAGE = 20
MAX_WORDS = 8


@dataclass(frozen=True)
class EventFilters:
    query: str = ""
    topic: str = ""
    starts_from: date | None = None  # dates are UTC days
    starts_until: date | None = None
    mode: str = ""  # "online", "in_person" or "" for both
    past: bool = False


@dataclass(frozen=True)
class EventCard(EventPlace):
    """An event as lists show it: plain values, not ORM objects (a listing
    has 20, and building the objects was half of its database time)."""

    slug: str
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue_name: str
    venue_address: str
    online_url: str
    status: EventStatus
    topic_names: tuple[str, ...]

    @classmethod
    def of(cls, event: Event) -> EventCard:
        """The card of an event already loaded (with its topics)."""
        values = {name: getattr(event, name) for name in _CARD_FIELDS}
        return cls(**values, topic_names=tuple(topic.name for topic in event.topics))


_CARD_FIELDS = ("slug", "title", "starts_at", "ends_at", "timezone", "venue_name",
                "venue_address", "online_url", "status")  # fmt: skip


@dataclass(frozen=True)
class Page:
    items: list[EventCard]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def list_events(filters: EventFilters, *, page: int = 1, now: datetime) -> Page:
    """Public events matching `filters`: upcoming soonest first, or past latest first.

    Two queries whatever the page holds: the events (one more than a page, to
    know whether there is a next one, instead of counting every match) and
    their topics.
    """
    query = _listed(filters, now=now)
    page = max(1, page)
    order = Event.starts_at.desc() if filters.past else Event.starts_at.asc()
    items = cards(query.order_by(order, Event.id).limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE))
    return Page(items=items[:PER_PAGE], number=page, has_next=len(items) > PER_PAGE)


def find_host(viewer: User | None, person_id: int) -> User:
    """The person whose host page `viewer` asks for.

    :raise NotFound: no such person, or no host page for them (see has_host_page).
    """
    person = db.session.get(User, person_id)
    if person is None or not has_host_page(person, viewer=viewer):
        raise NotFound("There is no such host.")
    return person


def has_host_page(person: User | None, *, viewer: User | None = None) -> bool:
    """Does `person` have a host page (their public events, and its feed)?
    Only if they host a public event: published and listed. Hosting one makes
    their display name public, there and on the event; nothing else of them.
    (A person always sees their own.)"""
    if person is None or person.deleted_at is not None:
        return False
    if viewer is not None and viewer.id == person.id:
        return True
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    EventHost.event_id == Event.id,
                    EventHost.user_id == person.id,
                    Event.is_public,
                )
            )
        )
    )


def hosted_events(
    person: User, *, viewer: User | None, now: datetime
) -> tuple[list[EventCard], list[EventCard]]:
    """The events `person` hosts or hosted: (upcoming, past). Others see the
    public ones; the person also sees their drafts and unlisted events."""
    hosted = exists().where(EventHost.event_id == Event.id, EventHost.user_id == person.id)
    own = viewer is not None and viewer.id == person.id
    events = cards((select(Event) if own else _public()).where(hosted).order_by(Event.starts_at))
    upcoming = [event for event in events if event.ends_at > now]
    past = [event for event in reversed(events) if event.ends_at <= now]
    return upcoming, past


def cards(query: Select) -> list[EventCard]:
    """Run a query of events (select(Event) with its filters and order) for
    cards: their columns, then their topics. Two queries."""
    columns = [getattr(Event, name) for name in _CARD_FIELDS]
    rows = db.session.execute(query.with_only_columns(Event.id, *columns)).all()
    topics: dict[int, list[str]] = {row.id: [] for row in rows}
    if rows:
        for event_id, name in db.session.execute(
            select(EventTopic.event_id, EventTopic.name)
            .where(EventTopic.event_id.in_(list(topics)))
            .order_by(EventTopic.name)
        ):
            topics[event_id].append(name)
    return [
        EventCard(**dict(zip(_CARD_FIELDS, row[1:], strict=True)),
                  topic_names=tuple(topics[row.id]))
        for row in rows
    ]  # fmt: skip


def search_words(query: str) -> list[str]:
    """The words of a search, folded like Event.search_text, at most MAX_WORDS."""
    return [fold_for_search(word) for word in query.split()][:MAX_WORDS]


def _public() -> Select:
    return select(Event).where(
        Event.visibility == EventVisibility.PUBLIC,
        Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
    )


def _utc_midnight(day: date, *, days_later: int = 0) -> datetime:
    """Midnight UTC starting `day` (plus `days_later`), the day first held to the
    range of event times: a filter beyond it selects what the range's end does,
    and the arithmetic cannot leave the calendar."""
    day = min(max(day, EARLIEST_EVENT_TIME.date()), LATEST_EVENT_TIME.date())
    return datetime.combine(day + timedelta(days=days_later), time(), UTC)


def _listed(filters: EventFilters, *, now: datetime) -> Select:
    query = _public()
    if filters.past:
        query = query.where(Event.ends_at <= now)
    else:
        query = query.where(Event.ends_at > now, Event.status == EventStatus.PUBLISHED)
    for word in search_words(filters.query):
        query = query.where(Event.search_text.contains(word, autoescape=True))
    if filters.topic:
        query = query.where(
            exists().where(
                EventTopic.event_id == Event.id, EventTopic.name == normalize_tag(filters.topic)
            )
        )
    if filters.starts_from:
        query = query.where(Event.starts_at >= _utc_midnight(filters.starts_from))
    if filters.starts_until:
        query = query.where(Event.starts_at < _utc_midnight(filters.starts_until, days_later=1))
    if filters.mode == "online":
        query = query.where(Event.online_url != "")
    elif filters.mode == "in_person":
        query = query.where(or_(Event.venue_name != "", Event.venue_address != ""))
    return query
