"""Which events each calendar feed holds, for whom.

Personal feeds live at a secret URL (User.feed_token): the events the person
is going to, waitlisted for (tentative) or hosting. Public feeds: upcoming
public events, per topic, per host. Every feed keeps a few weeks of past
events and keeps cancelled ones, marked so. Drafts, and unlisted events the
reader has no part in, never appear.

A Feed knows its ETag from one light query (columns, no objects). A
personal feed's is its reader's row alone, read by the token's unique
index: the digest of their events' versions is stored there, and made
stale by the database on every change the feed shows (see keep_version).
Rows and events are read only when the calendar must be built, so a client
whose copy is current costs little.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property
from typing import Any

from sqlalchemy import (
    Select,
    String,
    bindparam,
    cast,
    func,
    null,
    or_,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.orm import selectinload
from sqlalchemy.types import NullType

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound
from meetup.lib.text import normalize_tag
from meetup.lib.urls import external_url
from meetup.models import (
    Event,
    EventHost,
    EventStatus,
    EventTopic,
    EventVisibility,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.models.types import UTCDateTime
from meetup.services import privacy
from meetup.services.calendar import entries
from meetup.services.calendar.ical import (
    CalendarEntry,
    CalendarFile,
    entry_for,
    entry_text,
    feed_etag,
    feed_file,
    reader_view,
    variant,
)
from meetup.services.calendar.vevents import load_series_links
from meetup.services.events.event_listing import find_host

PAST_WINDOW = timedelta(weeks=4)
PUBLIC_FEED_LIMIT = 500  # the soonest; a calendar needs no more at once
# And hosting. The triggers that keep feed versions (migration f7d3a9c1e2b4) name them too.
FEED_REPLIES = (RsvpStatus.GOING, RsvpStatus.WAITLISTED)


@dataclass(frozen=True)
class Feed:
    name: str
    is_personal: bool
    etag: str
    # Reads the rows of the feed's query, soonest first, with the positions
    # in a row of the event's id, the reader's reply and their hosting (None:
    # the query has no such column): called only when the file is built.
    load_rows: Callable[[], Sequence[Sequence[Any]]]
    columns: tuple[int, int | None, int | None] = (0, None, None)
    alarm_minutes: int | None = None
    to_keep: FeedVersion | None = None  # a personal feed's digest, computed now
    # A file built otherwise than from stored entries (a series' file), given the build time.
    build: Callable[[datetime], bytes] | None = None

    @cached_property
    def rows(self) -> Sequence[Sequence[Any]]:
        return self.load_rows()

    @cached_property
    def readers_view(self) -> dict[int, tuple[RsvpStatus | None, bool]]:
        """Event id -> (reply status, is host): how the reader sees each
        event, soonest first (an event both replied to and hosted comes in
        two rows, one with each)."""
        event_at, reply_at, host_at = self.columns
        views: dict[int, tuple[RsvpStatus | None, bool]] = {}
        for row in self.rows:
            event_id = row[event_at]
            if event_id is None:  # a personal feed with no events: the reader alone
                continue
            reply, hosting = views.get(event_id, (None, False))
            if reply_at is not None and row[reply_at] is not None:
                reply = RsvpStatus(row[reply_at])
            if host_at is not None and row[host_at] is not None:
                hosting = True
            views[event_id] = (reply, hosting)
        return views

    def entries(self) -> list[CalendarEntry]:
        """The events, loaded now, soonest first."""
        return [self._entry(event) for event in self._events(self.readers_view)]

    def calendar(self, *, now: datetime) -> CalendarFile:
        """The feed's file: the stored VEVENT of each event, and those not
        stored yet (or of an older version) built now, from events loaded now."""
        if self.build is not None:
            return CalendarFile(self.build(now))
        variants = {}
        for event_id, (reply, hosting) in self.readers_view.items():
            shows_online_link, tentative = reader_view(rsvp_status=reply, is_host=hosting)
            variants[event_id] = variant(shows_online_link=shows_online_link, tentative=tentative)
        texts = entries.stored(variants.items(), with_alarm=bool(self.alarm_minutes))
        missing = [event_id for event_id in variants if (event_id, variants[event_id]) not in texts]
        built = []
        if missing:
            # Slugs are URL-safe: one URL built, then the rest by joining.
            prefix = external_url("events.detail", slug="-")[:-1]
            for event in self._events(missing):
                text = entry_text(self._entry(event), url=prefix + event.slug)
                texts[event.id, text.variant] = (text.body, text.alarm)
                built.append(text)
        body = feed_file(
            (texts[event_id, variants[event_id]] for event_id in variants),
            name=self.name, now=now, alarm_minutes=self.alarm_minutes,
        )  # fmt: skip
        return CalendarFile(body, tuple(built))

    def _events(self, ids: Iterable[int]) -> Iterable[Event]:
        events = db.session.scalars(
            select(Event)
            .where(Event.id.in_(list(ids)))
            .options(selectinload(Event.topics))
            .order_by(Event.starts_at, Event.id)
        ).all()
        load_series_links(events)  # occurrences carry their series' UID: one statement
        return events

    def _entry(self, event: Event) -> CalendarEntry:
        reply, hosting = self.readers_view[event.id]
        return entry_for(
            event, rsvp_status=reply, is_host=hosting, alarm_minutes=self.alarm_minutes
        )


ALARM_CHOICES = (15, 60, 24 * 60)  # minutes before an event


def set_alarm(user: User, minutes: int | None) -> None:
    """The person's reminder in calendar files and invitations (None: off).

    :raise InvalidInput: not one of ALARM_CHOICES.
    """
    if minutes is not None and minutes not in ALARM_CHOICES:
        raise InvalidInput("Choose one of the options.", field="alarm_minutes")
    user.calendar_alarm_minutes = minutes
    db.session.flush()


def feed_token(user: User) -> str:
    """The person's feed token, made on first use."""
    if user.feed_token is None:
        _give_token(user)
    return user.feed_token


def regenerate_feed_token(user: User) -> str:
    """A new secret URL; the old one stops working at once."""
    _give_token(user)
    return user.feed_token


def _give_token(user: User) -> None:
    """A new random token for the person's feed."""
    first = user.feed_token is None
    user.feed_token = secrets.token_urlsafe(32)
    db.session.flush()
    if first and db.session.get_bind().dialect.name == "postgresql":
        # An event's change raises the versions of its readers who have a
        # token (the trigger on event), as it reads them: one running now
        # would not see this token until it commits, and a fetch meanwhile
        # could keep a digest without that change. Share locks on the
        # person's events make such a change finish first, or wait and see
        # the token. (Only the first token: with one, the person is seen.)
        db.session.execute(_events_of_reader_locked(), {"reader": user.id})


@cache
def _events_of_reader_locked() -> Select[Any]:
    reader_id = bindparam("reader")
    replied = select(Rsvp.event_id).where(Rsvp.user_id == reader_id)
    hosted = select(EventHost.event_id).where(EventHost.user_id == reader_id)
    return (
        select(Event.id)
        .where(Event.id.in_(union_all(replied, hosted)))
        .order_by(Event.id)
        .with_for_update(read=True)
    )


@dataclass(frozen=True)
class FeedVersion:
    """The digest of a personal feed's events, to keep for the next fetch
    (keep_version): valid while the reader's feed_version is `version` and
    until `until` (None: no event will leave the window)."""

    user_id: int
    version: int
    digest: str
    until: datetime | None


def personal_feed(token: str, *, now: datetime) -> Feed:
    """The reader's feed: its ETag from their row alone while the stored
    digest is current (one indexed lookup, no objects), else from the
    versions of their events (and then `to_keep`, for keep_version).

    :raise NotFound: no account has this token (a wrong or revoked one).
    """
    if not token:
        raise NotFound("There is no such calendar.")
    connection = db.session.connection()
    reader = connection.execute(_reader_state(), {"token": token}).first()
    if reader is None:
        raise NotFound("There is no such calendar.")
    user_id, display_name, alarm_minutes, version, digest, until = reader
    parameters = {"reader": user_id, "since": now - PAST_WINDOW}
    to_keep = None
    if digest is None or (until is not None and now > until):
        versions, first_end = connection.execute(_personal_feed_version(), parameters).one()
        digest = feed_etag("", [(versions,)])
        until = None if first_end is None else first_end + PAST_WINDOW
        to_keep = FeedVersion(user_id, version, digest, until)
    name = f"Meetup: {display_name}"
    return Feed(
        name,
        is_personal=True,
        # The token too: a new address is a new feed, whose clients start afresh.
        etag=feed_etag(f"{name}|{alarm_minutes}|{token}", [(digest,)]),
        load_rows=lambda: connection.execute(_personal_feed_rows(), parameters).all(),
        columns=(0, 5, 6),
        alarm_minutes=alarm_minutes,
        to_keep=to_keep,
    )


def keep_version(kept: FeedVersion) -> None:
    """Store a feed's digest for the next fetches, unless the reader's
    version moved since it was read (a change committed meanwhile: the
    digest may predate it, and the next fetch computes it again)."""
    db.session.execute(
        update(User)
        .where(User.id == kept.user_id, User.feed_version == kept.version)
        .values(feed_etag=kept.digest, feed_etag_until=kept.until)
        .execution_options(synchronize_session=False)
    )


# Why a stored digest is exact: the database itself raises the reader's
# feed_version (and empties feed_etag) in the transaction of every change a
# feed shows, whichever code or statement makes it (triggers on rsvp,
# event_host and event, see the migration f7d3a9c1e2b4: a topic's change
# moves its event's updated_at; an event's change reaches those of its
# readers who have a token); the reader's name, reminder and token are
# hashed into the ETag on each fetch; time moves events out of the window
# only at feed_etag_until. A digest is kept only if feed_version did not
# move between its reading (before the events were read) and its storing.


@cache
def _reader_state() -> Select[Any]:
    """The reader (by their token, a unique index) and their feed's stored version."""
    return select(
        User.id,
        User.display_name,
        User.calendar_alarm_minutes,
        User.feed_version,
        User.feed_etag,
        User.feed_etag_until,
    ).where(User.feed_token == bindparam("token"), User.deleted_at.is_(None))


def _readers_events() -> Any:
    """The reader's events as rows of their versions (id, sequence, updated
    at, status), start, how the reader is in it (reply, host), and end."""
    reader_id = bindparam("reader")
    since = bindparam("since", type_=UTCDateTime)
    ends_at = _raw(Event.ends_at)
    replied = (
        _window(since, _raw(Event.starts_at), _raw(Rsvp.status).label("reply"),
                null().label("host"), ends_at)
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(
            Rsvp.user_id == reader_id,
            Rsvp.status.in_(FEED_REPLIES),
            privacy.members_event_condition(reader_id),
        )
        .order_by(None)
    )  # fmt: skip
    hosted = (
        _window(since, _raw(Event.starts_at), null(), EventHost.user_id, ends_at)
        .join(EventHost, EventHost.event_id == Event.id)
        .where(EventHost.user_id == reader_id)
        .order_by(None)
    )
    return union_all(replied, hosted).subquery()


@cache
def _personal_feed_version() -> Select[Any]:
    """Every version of the reader's feed's rows in one text, and the
    earliest end among them (one row). Equal rows in another order make
    another text: a needless rebuild at worst, never a stale 304."""
    shown = _readers_events()
    as_text = [
        func.coalesce(cast(column, String), "") for column in shown.c if column.key != "ends_at"
    ]
    row_text = as_text[0]
    for column in as_text[1:]:
        row_text = row_text + "|" + column
    return select(
        func.aggregate_strings(row_text, ","),
        type_coerce(func.min(shown.c.ends_at), UTCDateTime),
    )


@cache
def _personal_feed_rows() -> Select[Any]:
    """The reader's events, soonest first, read only to build the file."""
    shown = _readers_events()
    columns = [column for column in shown.c if column.key != "ends_at"]  # the version's alone
    return select(*columns).order_by(shown.c.starts_at, shown.c.id, shown.c.host)


def public_feed(*, now: datetime, topic: str = "", host_id: int | None = None) -> Feed:
    """Public events: all of them, one topic's, or one host's.

    :raise NotFound: no such host.
    """
    query = _window(now - PAST_WINDOW).where(Event.visibility == EventVisibility.PUBLIC)
    name = "Meetup: upcoming events"
    if topic:
        tag = normalize_tag(topic)
        query = query.where(Event.topics.any(EventTopic.name == tag))
        name = f"Meetup: {tag}"
    if host_id is not None:
        host = find_host(None, host_id)  # the feed is public: no viewer of its own
        query = query.where(Event.hosts.any(EventHost.user_id == host_id))
        name = f"Meetup: events hosted by {host.display_name}"
    return _feed(name, query.limit(PUBLIC_FEED_LIMIT))


def public_feed_of(name: str, *conditions: Any, now: datetime) -> Feed:
    """A public feed of the public events that meet `conditions` (over
    Event), under `name`: a feed of a domain above this one (a community's)."""
    query = _window(now - PAST_WINDOW).where(Event.visibility == EventVisibility.PUBLIC)
    return _feed(name, query.where(*conditions).limit(PUBLIC_FEED_LIMIT))


def _feed(name: str, query: Select[Any]) -> Feed:
    rows = db.session.execute(query).all()
    etag = feed_etag(name, map(tuple, rows))
    return Feed(name, False, etag, lambda: rows)


def _window(since: Any, *columns: Any) -> Select[Any]:
    """Published or cancelled events from a few weeks ago on, soonest first:
    only the columns the ETag needs (as the database gives them: nothing to
    convert for a 304), and `columns`."""
    return (
        select(Event.id, Event.sequence, _raw(Event.updated_at), _raw(Event.status), *columns)
        .where(
            or_(Event.status == EventStatus.PUBLISHED, Event.status == EventStatus.CANCELLED),
            Event.ends_at >= since,
        )
        .order_by(Event.starts_at, Event.id)
    )


def _raw(column: Any) -> Any:
    """`column` unconverted (a validator needs no enum or aware datetime)."""
    return type_coerce(column, NullType()).label(column.key)
