"""Finding events: the listing, search, filters, topic pages and host pages.

Search matches every word, ignoring case and accents, anywhere in an event's
title, description, topics and venue. Words are folded in Python and matched
against Event.search_text (folded the same way when saved), so SQLite and
PostgreSQL give the same results, in every script.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import groupby

from sqlalchemy import Row, Select, bindparam, exists, or_, select, text

from meetup.extensions import db
from meetup.lib.errors import NotFound
from meetup.lib.text import fold_for_search, normalize_tag
from meetup.lib.timezones import EARLIEST_EVENT_TIME, LATEST_EVENT_TIME
from meetup.models import (
    Community,
    CommunityEvent,
    Event,
    EventHost,
    EventStatus,
    EventTopic,
    EventVisibility,
    User,
)
from meetup.models.event import EventPlace

_PLAN_FOR_VALUES = text("SET LOCAL plan_cache_mode = force_custom_plan")
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
    community: str = ""  # a community's slug: its events alone


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

    One query whatever the page holds: a page of events (one more than a page,
    to know whether there is a next one, instead of counting every match)
    joined to their topics.
    """
    page = max(1, page)
    words = search_words(filters.query)
    statement = _listing_statement(
        past=filters.past,
        words=len(words),
        topic=bool(filters.topic),
        starts_from=filters.starts_from is not None,
        starts_until=filters.starts_until is not None,
        mode=filters.mode if filters.mode in ("online", "in_person") else "",
        community=bool(filters.community),
    )
    parameters: dict[str, object] = {
        "now": now,
        "community": filters.community,
        "offset": (page - 1) * PER_PAGE,
        "topic": normalize_tag(filters.topic),
        **{f"word_{number}": contains_pattern(word) for number, word in enumerate(words)},
    }
    if filters.starts_from:
        parameters["starts_from"] = _utc_midnight(filters.starts_from)
    if filters.starts_until:
        parameters["starts_until"] = _utc_midnight(filters.starts_until, days_later=1)
    if words and db.session.get_bind().dialect.name == "postgresql":
        # The best plan depends on the words (a rare one: the trigram index;
        # common ones: the next events in order), so a search is planned for
        # its own, never with the generic plan of a prepared statement
        # (measured: 12.8 ms against 1.8 for two common words). Until the
        # transaction ends.
        db.session.execute(_PLAN_FOR_VALUES)
    items = _cards_of_rows(db.session.execute(statement, parameters))
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


# The listing reads Core columns, not the model's attributes: its rows are
# plain values, and an ORM statement costs more to build, compile and read
# than SQLite takes to run it.
_EVENT = Event.__table__
_TOPIC = EventTopic.__table__
_COMMUNITY_EVENT = CommunityEvent.__table__


@cache
def _listing_statement(
    *,
    past: bool,
    words: int,
    topic: bool,
    starts_from: bool,
    starts_until: bool,
    mode: str,
    community: bool = False,
) -> Select:
    """The listing's query for one combination of filters, built once: a page
    of events (:offset, PER_PAGE + 1 rows) joined to their topics, in order.
    The values (:now, :word_0.., :topic, :starts_from, :starts_until,
    :community) are bound when it runs. At most 2 × (MAX_WORDS + 1) × 2 × 2 ×
    2 × 3 × 2 statements."""
    event = _EVENT.c
    query = select(*(event[name] for name in ("id", *_CARD_FIELDS))).where(
        event.visibility == EventVisibility.PUBLIC
    )
    if past:
        query = query.where(
            event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
            event.ends_at <= bindparam("now"),
        )
    else:
        query = query.where(event.status == EventStatus.PUBLISHED, event.ends_at > bindparam("now"))
    for number in range(words):
        query = query.where(event.search_text.like(bindparam(f"word_{number}"), escape="/"))
    if topic:
        query = query.where(
            exists().where(_TOPIC.c.event_id == event.id, _TOPIC.c.name == bindparam("topic"))
        )
    if community:
        slug = bindparam("community")
        its_id = select(Community.id).where(Community.slug == slug).scalar_subquery()
        query = query.where(
            exists().where(
                _COMMUNITY_EVENT.c.event_id == event.id, _COMMUNITY_EVENT.c.community_id == its_id
            )
        )
    if starts_from:
        query = query.where(event.starts_at >= bindparam("starts_from"))
    if starts_until:
        query = query.where(event.starts_at < bindparam("starts_until"))
    if mode == "online":
        query = query.where(event.online_url != "")
    elif mode == "in_person":
        query = query.where(or_(event.venue_name != "", event.venue_address != ""))
    when = event.starts_at.desc() if past else event.starts_at.asc()
    shown = query.order_by(when, event.id).limit(PER_PAGE + 1).offset(bindparam("offset"))
    shown = shown.subquery("shown")
    when = shown.c.starts_at.desc() if past else shown.c.starts_at.asc()
    return (
        select(shown, _TOPIC.c.name.label("topic_name"))
        .outerjoin(_TOPIC, _TOPIC.c.event_id == shown.c.id)
        .order_by(when, shown.c.id, _TOPIC.c.name)
    )


def contains_pattern(word: str) -> str:
    """A LIKE pattern matching `word` anywhere, its own % and _ literal
    (escaped with "/", as SQLAlchemy's autoescape does)."""
    escaped = word.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _cards_of_rows(rows: Iterable[Row]) -> list[EventCard]:
    """Cards from rows of an event's columns and one of its topics (or None),
    an event's rows together."""
    cards = []
    for _, group in groupby(rows, key=lambda row: row.id):
        first, *others = group
        topic_names = () if first.topic_name is None else (first.topic_name,)
        topic_names += tuple(row.topic_name for row in others)
        values = dict(zip(_CARD_FIELDS, first[1:-1], strict=True))
        cards.append(EventCard(**values, topic_names=topic_names))
    return cards
