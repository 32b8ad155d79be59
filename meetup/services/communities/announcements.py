"""Members hear of a community's new events: one email each when an event is
published in it (or a published event moves into it), or once a week a
digest, or nothing, as each member chose for that community.

The jobs, not the publish: publishing records a CommunityEvent row whose
`announced_at` is empty, and `announce_events` (the periodic job) queues the
members' messages in batches of BATCH_SIZE people, each batch one
transaction the caller commits, then sets `announced_at`. Crash-safe and
idempotent as the follow-ups are: each message's dedupe key names the event
and the member, and the outbox inserts ignoring conflicts, so a rerun, a
retried publish, an event moved out and back in, or two jobs at once (on
PostgreSQL the second waits on the first's uncommitted keys, then skips them)
queue one message per member. No calendar part: the invitation comes when a
member replies, as for anyone.

Who gets it: members (state MEMBER) who chose each event, with a confirmed
address (mail they did not ask for this minute goes only to an address its
owner proved), not deleted, and not hosting the event (they published it).
Pending, declined, removed and blocked people, and people who left (no row),
get nothing; nobody hears of an unlisted event (its page shows it to the
admins alone). Every message names the community it comes from and carries
its one-click unsubscribe (RFC 8058, communities.unsubscribe).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, exists, select, update

from meetup.extensions import db
from meetup.lib.timezones import describe_span, timezone_names
from meetup.lib.unsubscribe import list_unsubscribe_headers
from meetup.lib.urls import external_url
from meetup.models import (
    Community,
    CommunityEvent,
    CommunityMail,
    CommunityMember,
    Event,
    EventHost,
    EventStatus,
    EventVisibility,
    MembershipState,
    User,
)
from meetup.models.types import utcnow
from meetup.outbox import Mail, queue_mail_bulk
from meetup.services.communities.unsubscribe import unsubscribe_links
from meetup.transactions import begin_step

BATCH_SIZE = 1000  # members per transaction
DIGEST_EVENTS_MAX = 20


@dataclass(frozen=True)
class Step:
    """One committed unit of a job's work."""

    title: str  # the event's (an announcement) or the community's (a digest)
    people: int  # recipients looked at in this step
    queued: int  # messages queued (fewer: another run queued the rest)
    ends_item: bool  # the last step of its event or community in this run


# The recipients


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    display_name: str
    timezone: str


def members_to_mail(
    community_id: int,
    choices: Sequence[CommunityMail],
    *,
    batch_size: int = BATCH_SIZE,
    except_hosts_of: int | None = None,
) -> Iterator[list[Recipient]]:
    """The community's members whose mail choice is one of `choices`, with a
    confirmed address and not deleted, in batches by id (keyset: each batch
    one indexed query, whatever the size of the community)."""
    after = 0
    while True:
        query = (
            select(User.id, User.email, User.display_name, User.timezone)
            .join(CommunityMember, CommunityMember.user_id == User.id)
            .where(
                CommunityMember.community_id == community_id,
                CommunityMember.state == MembershipState.MEMBER,
                CommunityMember.mail.in_(tuple(choices)),
                User.email_verified_at.is_not(None),
                User.deleted_at.is_(None),
                User.id > after,
            )
            .order_by(User.id)
            .limit(batch_size)
        )
        if except_hosts_of is not None:
            query = query.where(
                ~exists().where(EventHost.event_id == except_hosts_of, EventHost.user_id == User.id)
            )
        rows = db.session.execute(query).all()
        if not rows:
            return
        yield [_recipient(row) for row in rows]
        if len(rows) < batch_size:
            return
        after = rows[-1].id


def _recipient(row: Row[Any]) -> Recipient:
    return Recipient(row.id, row.email, row.display_name, row.timezone)


def zone_of(person_zone: str, event_zone: str) -> str:
    """The zone a member reads times in: theirs once they chose one (UTC is
    the unset default), else the event's, as for follow-ups."""
    if person_zone == "UTC" or person_zone not in timezone_names():
        return event_zone
    return person_zone


# What every message of a community says of it


@dataclass(frozen=True)
class CommunitySender:
    """The part of a community's messages that is the same for every member,
    and each member's unsubscribe link."""

    context: Mapping[str, Any]
    unsubscribe_url: Callable[[int], str]

    @classmethod
    def of(cls, community: Community) -> CommunitySender:
        return cls(
            {
                "community_name": community.name,
                "community_url": community_url(community.slug),
            },
            unsubscribe_links(community.id),
        )

    def mail(
        self,
        person: Recipient,
        *,
        subject: str,
        template: str,
        dedupe_key: str,
        context: Mapping[str, Any],
    ) -> Mail:
        link = self.unsubscribe_url(person.id)
        return Mail(
            to=person.email,
            user_id=person.id,
            subject=subject,
            template=template,
            dedupe_key=dedupe_key,
            context={
                **self.context,
                **context,
                "name": person.display_name,
                "unsubscribe_url": link,
            },
            headers=list_unsubscribe_headers(link),
        )


def community_url(slug: str) -> str:
    """A community's page, for mail."""
    return external_url("communities.page", slug=slug)


# Each event


def announce_events(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> Iterator[Step]:
    """Queue the announcement of every community event published and
    upcoming whose members were not told yet, a batch at a time. The caller
    commits after each step it is given (and rolls back if it stops)."""
    now = now or utcnow()
    for link in each_due(CommunityEvent, _announceable(now), order_by=CommunityEvent.added_at):
        yield from _announce(link, now=now, batch_size=batch_size)


# An unlisted event is for the people its hosts give the link to (the
# community's page shows it to its admins alone): no member hears of it.
ANNOUNCED_VISIBILITIES = (EventVisibility.PUBLIC, EventVisibility.MEMBERS)


def _announceable(now: datetime) -> Any:
    return (
        (CommunityEvent.announced_at.is_(None))
        & (Event.status == EventStatus.PUBLISHED)
        & (Event.visibility.in_(ANNOUNCED_VISIBILITIES))
        & (Event.starts_at > now)
    )


def announcement_key(event_id: int, person_id: int) -> str:
    """The dedupe key of a new event's announcement to a person, whoever
    tells them (its community, a series they follow): one message per date."""
    return f"community-event:{event_id}:{person_id}"


def each_due(link: Any, announceable: Any, *, order_by: Any) -> Iterator[Any]:
    """The rows of `link` (a table keyed by event_id with an announced_at)
    whose event is `announceable`, each read again in its own step: one
    announced, unpublished or moved out since the list was read is skipped."""
    begin_step(db.session)
    due = db.session.scalars(
        select(link.event_id)
        .join(Event, Event.id == link.event_id)
        .where(announceable)
        .order_by(order_by, link.event_id)
    ).all()
    for position, event_id in enumerate(due):
        if position:
            begin_step(db.session)  # the previous event's last step was committed
        row = db.session.scalar(
            select(link)
            .join(Event, Event.id == link.event_id)
            .where(link.event_id == event_id, announceable)
        )
        if row is not None:
            yield row


def announce_in_batches(
    link: Any,
    event: Event,
    batches: Iterator[list[Recipient]],
    mail: Callable[[Recipient], Mail],
    *,
    now: datetime,
) -> Iterator[Step]:
    """Queue `mail` to each batch of people, one step per batch, and mark
    the event's `link` row announced with the last: a job stopped halfway
    starts again at the batch it did not commit (the dedupe keys skip the
    rest)."""
    title, event_id = event.title, event.id
    batch = next(batches, [])
    while True:
        queued = queue_mail_bulk(mail(person) for person in batch)
        following = next(batches, None)
        if following is None:
            db.session.execute(
                update(link)
                .where(link.event_id == event_id, link.announced_at.is_(None))
                .values(announced_at=now)
                .execution_options(synchronize_session=False)
            )
        yield Step(title, len(batch), queued, following is None)
        if following is None:
            return
        begin_step(db.session)  # the previous batch was committed
        batch = following


def _announce(link: CommunityEvent, *, now: datetime, batch_size: int) -> Iterator[Step]:
    event, community = link.event, link.community
    shared = CommunitySender.of(community)
    about = EventPart.of(event)
    subject = f"{community.name}: {event.title}"
    batches = members_to_mail(
        community.id, (CommunityMail.EACH_EVENT,), batch_size=batch_size, except_hosts_of=event.id
    )
    yield from announce_in_batches(
        CommunityEvent,
        event,
        batches,
        lambda person: shared.mail(
            person,
            subject=subject,
            template="community_event",
            dedupe_key=announcement_key(event.id, person.id),
            context=about.context | {"when": about.when_for(person)},
        ),
        now=now,
    )


@dataclass(frozen=True)
class EventPart:
    """What a community's mail says of an event: the same for everyone but
    its time, which each member reads in their zone."""

    context: dict[str, Any]  # JSON-ready: stored with each message
    starts_at: datetime
    ends_at: datetime
    zone: str

    @classmethod
    def of(cls, event: Event) -> EventPart:
        context = {
            "event_title": event.title,
            "venue": ", ".join(filter(None, [event.venue_name, event.venue_address])),
            "is_online": event.is_online,
            "url": external_url("events.detail", slug=event.slug),
        }
        return cls(context, event.starts_at, event.ends_at, event.timezone)

    def when_for(self, person: Recipient) -> str:
        return describe_span(self.starts_at, self.ends_at, zone_of(person.timezone, self.zone))


# The weekly digest


def digest_week(now: datetime) -> tuple[str, datetime, datetime]:
    """The ISO week a digest sent at `now` is for, and the span of the week
    before it, whose published events it lists: each event in one digest."""
    now = now.astimezone(UTC)
    year, week, weekday = now.isocalendar()
    monday = datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=weekday - 1)
    return f"{year}-W{week:02d}", monday - timedelta(days=7), monday


def send_digests(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> Iterator[Step]:
    """Queue the week's digest of every community that published an event
    last week (still upcoming) for its members who chose the digest; once a
    week per member (the dedupe key names the ISO week), however often it
    runs. The caller commits after each step."""
    now = now or utcnow()
    week, since, until = digest_week(now)
    begin_step(db.session)
    events = db.session.execute(
        select(CommunityEvent.community_id, Event)
        .join(Event, Event.id == CommunityEvent.event_id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.visibility.in_(ANNOUNCED_VISIBILITIES),
            Event.published_at >= since,
            Event.published_at < until,
            Event.starts_at > now,
        )
        .order_by(CommunityEvent.community_id, Event.starts_at, Event.id)
    ).all()
    by_community: dict[int, list[EventPart]] = {}
    for community_id, event in events:
        by_community.setdefault(community_id, []).append(EventPart.of(event))
    for position, (community_id, listed) in enumerate(by_community.items()):
        if position:
            begin_step(db.session)
        community = db.session.get(Community, community_id)
        if community is None:
            continue
        yield from _digest(community, listed[:DIGEST_EVENTS_MAX], week, batch_size=batch_size)


def _digest(
    community: Community, listed: list[EventPart], week: str, *, batch_size: int
) -> Iterator[Step]:
    shared = CommunitySender.of(community)
    name, community_id = community.name, community.id
    subject = f"{name}: this week's new events"
    batches = members_to_mail(community_id, (CommunityMail.WEEKLY_DIGEST,), batch_size=batch_size)
    batch = next(batches, [])
    while True:
        queued = queue_mail_bulk(
            shared.mail(
                person,
                subject=subject,
                template="community_digest",
                dedupe_key=f"community-digest:{community_id}:{person.id}:{week}",
                context={"events": [_for(person, event) for event in listed]},
            )
            for person in batch
        )
        following = next(batches, None)
        yield Step(name, len(batch), queued, following is None)
        if following is None:
            return
        begin_step(db.session)
        batch = following


def _for(person: Recipient, event: EventPart) -> dict[str, Any]:
    """An event of a digest as its member reads it (their zone), JSON-ready."""
    return event.context | {"when": event.when_for(person)}
