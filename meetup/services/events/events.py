"""Events: create, edit, publish, cancel, copy and delete; hosts and their rights.

Rights (README "Who may do what on an event"): hosts (the creator and
co-hosts) edit, publish and cancel; only the creator deletes a draft and
invites or removes hosts (events.hosts). A draft exists only for its hosts:
everyone else gets NotFound, never PermissionDenied.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ScalarSelect,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.text import clean_text
from meetup.lib.timezones import check_event_time, local_to_utc, utc_to_local
from meetup.models import (
    Event,
    EventHost,
    EventQuestion,
    EventStatus,
    EventTopic,
    EventVisibility,
    HostInvitation,
    HostRole,
    Rsvp,
    User,
)
from meetup.models.types import utcnow
from meetup.services.accounts.accounts import require_verified
from meetup.services.calendar import invitations
from meetup.services.errors import InvalidInput, NotFound, PermissionDenied
from meetup.services.events.event_details import (
    EventDetails,
    apply_details,
    copied_details,
    describe_changes,
    details_snapshot,
)
from meetup.services.events.history import record_change
from meetup.services.rsvps.waitlist import (
    SeatCount,
    lock_event,
    promote_waitlist,
    seat_count_columns,
    seat_count_of,
)

MAX_COPY_WEEKS = 104


@dataclass(frozen=True)
class SaveResult:
    event: Event
    # The wall-clock start or end happened twice (DST ended); the first was used.
    resolved_ambiguity: bool
    # Calendars must see this change (time, place or title moved).
    sequence_raised: bool


# Reading and rights


@dataclass(frozen=True)
class HostSummary:
    """What the event page shows of a host: a row, not an ORM object (a big
    event has hundreds of hosts, and building objects is the slow part)."""

    user_id: int
    display_name: str
    role: HostRole


@dataclass(frozen=True)
class HostTools:
    """Which of the hosts' tools the event page offers, by the event's state."""

    can_edit: bool
    can_publish: bool
    can_cancel: bool
    runs_replies: bool  # dashboard, replies, check-in, messages: once published
    can_delete: bool  # the creator, a draft


@dataclass(frozen=True)
class EventPage:
    event: Event
    topics: list[str]  # by name (the page leaves event.topics unloaded)
    hosts: list[HostSummary]
    viewer_is_host: bool
    viewer_is_creator: bool
    # Published and listed: hosts' names link to their host pages, and search
    # engines may index it.
    is_public: bool
    host_tools: HostTools | None  # None: the viewer does not host the event
    # Read with the event, in its statement, for the reply panel:
    seats: SeatCount
    viewer_rsvp: Rsvp | None  # None also for an anonymous viewer
    has_questions: bool

    @property
    def takes_replies(self) -> bool:
        """A draft has no reply box (nobody but its hosts sees it)."""
        return self.event.status != EventStatus.DRAFT

    @property
    def is_indexed(self) -> bool:
        """Search engines may index listed events that are not drafts."""
        return self.takes_replies and self.event.visibility == EventVisibility.PUBLIC


def host_tools(event: Event, *, viewer_is_creator: bool) -> HostTools:
    status = event.status
    return HostTools(
        can_edit=status != EventStatus.CANCELLED,
        can_publish=status == EventStatus.DRAFT,
        can_cancel=status == EventStatus.PUBLISHED,
        runs_replies=status != EventStatus.DRAFT,
        can_delete=viewer_is_creator and status == EventStatus.DRAFT,
    )


def get_event_page(viewer: User | None, slug: str) -> EventPage:
    """Return what the event page shows: the event with its topics, its
    seats, its hosts and the viewer's reply (one statement).

    :raise NotFound: no such event, or a draft and `viewer` is not a host.
    """
    parameters = {"slug": slug} if viewer is None else {"slug": slug, "viewer_id": viewer.id}
    query = _event_page_query(db.session.get_bind().dialect.name, with_reply=viewer is not None)
    found = db.session.execute(query, parameters).one_or_none()
    if found is None:
        raise NotFound("There is no such event.")
    event, going, waitlisted, pending, has_questions, host_rows, topic_rows = found[:7]
    viewer_rsvp = found[7] if viewer is not None else None
    hosts = [HostSummary(user_id, name, HostRole(role)) for user_id, name, role in _rows(host_rows)]
    viewer_is_host = viewer is not None and any(h.user_id == viewer.id for h in hosts)
    if not is_visible(event, viewer_is_host=viewer_is_host):
        raise NotFound("There is no such event.")
    viewer_is_creator = is_creator(viewer, event)
    tools = host_tools(event, viewer_is_creator=viewer_is_creator) if viewer_is_host else None
    return EventPage(
        event=event,
        topics=[name for (name,) in _rows(topic_rows)],
        hosts=hosts,
        viewer_is_host=viewer_is_host,
        viewer_is_creator=viewer_is_creator,
        is_public=event.is_public,
        host_tools=tools,
        seats=seat_count_of(event, *json.loads(going), waitlisted, pending),
        viewer_rsvp=viewer_rsvp,
        has_questions=bool(has_questions),
    )


# The page's statement is built once per database (it is immutable, and
# SQLAlchemy takes longer to build it than the database to run it); bound
# parameters carry the request's values. On PostgreSQL a statement costs a
# round trip and planning takes longer than running it, so the page asks one
# statement of one row: what has several rows (hosts, topics) or several
# figures (seats) comes as a JSON array from a subquery (a join would repeat
# the event's row per topic, and PostgreSQL plans such joins slower).


@cache
def _event_page_query(dialect: str, *, with_reply: bool) -> Select:
    """What every viewer's page shows, in one row: the event, its seats,
    whether it asks questions, its hosts in the order
    they joined, its topics, and (with `with_reply`) the viewer's own reply.
    Parameters: slug, viewer_id."""
    # A big event has hundreds of hosts: rows, not ORM objects.
    hosts = _json_rows(
        dialect,
        select(EventHost.user_id, User.display_name, EventHost.role)
        .join(User, User.id == EventHost.user_id)
        .where(EventHost.event_id == Event.id),
        order_by=(EventHost.added_at, EventHost.user_id),
    )
    topics = _json_rows(
        dialect,
        select(EventTopic.name).where(EventTopic.event_id == Event.id),
        order_by=(EventTopic.name,),
    )
    query = select(
        Event,
        *seat_count_columns(_json_function(dialect, "array")),
        exists().where(EventQuestion.event_id == Event.id),
        hosts,
        topics,
    ).where(Event.slug == bindparam("slug"))
    if with_reply:
        query = query.add_columns(Rsvp).outerjoin(
            Rsvp, and_(Rsvp.event_id == Event.id, Rsvp.user_id == bindparam("viewer_id"))
        )
    return query


def _json_rows(dialect: str, rows: Select, *, order_by: tuple[Any, ...]) -> ScalarSelect[str]:
    """`rows` (correlated to the event) as one JSON array of arrays, each
    led by its place in `order_by`, as text: _rows reads it back in order.
    The place travels with each row because an aggregate's input order is
    not guaranteed (and SQLite has no ORDER BY inside one before 3.44)."""
    numbered = rows.add_columns(func.row_number().over(order_by=order_by).label("place"))
    table = numbered.correlate(Event).subquery()
    place, *values = (table.c.place, *(c for c in table.c if c.name != "place"))
    array, aggregate = _json_function(dialect, "array"), _json_function(dialect, "aggregate")
    return select(cast(aggregate(array(place, *values)), Text)).scalar_subquery()


def _json_function(dialect: str, kind: str) -> Any:
    """The JSON array constructor ("array") or aggregate ("aggregate") of `dialect`."""
    names = {
        "postgresql": {"array": func.json_build_array, "aggregate": func.json_agg},
        "sqlite": {"array": func.json_array, "aggregate": func.json_group_array},
    }
    return names[dialect][kind]


def _rows(text: str | None) -> list[list[Any]]:
    """The rows of a _json_rows array, in order, without their places (an
    empty set aggregates to NULL on PostgreSQL, to [] on SQLite)."""
    return [row[1:] for row in sorted(json.loads(text or "[]"), key=itemgetter(0))]


@cache
def _event_query() -> Select:
    """find_event's statement for a visitor. Parameter: slug."""
    return select(Event).where(Event.slug == bindparam("slug"))


@cache
def _event_with_hosts_query() -> Select:
    """find_event's statement when the caller loads nothing more: built once
    (most pages). Parameter: slug."""
    return select(Event).where(Event.slug == bindparam("slug")).options(selectinload(Event.hosts))


def find_event(viewer: User | None, slug: str, *loader_options: Any) -> Event:
    """Return the event with its hosts (rights need them) and whatever else
    `loader_options` load: the one way to load an event for a viewer.
    A visitor's rights never read the hosts (is_host is False without
    them): their event comes alone, its hosts read when first used.

    :raise NotFound: no such event, or a draft and `viewer` is not a host.
    """
    if loader_options:
        query = select(Event).where(Event.slug == bindparam("slug")).options(*loader_options)
    elif viewer is None:
        query = _event_query()
    else:
        query = _event_with_hosts_query()
    event = db.session.scalar(query, {"slug": slug})
    if event is None or not can_view_event(viewer, event):
        raise NotFound("There is no such event.")
    return event


def find_hosted_event(viewer: User | None, slug: str, *loader_options: Any) -> Event:
    """Return the event for its hosts' tools.

    :raise NotFound: as find_event. :raise PermissionDenied: `viewer` does not host it.
    """
    event = find_event(viewer, slug, *loader_options)
    require_host(viewer, event)
    return event


def can_view_event(viewer: User | None, event: Event) -> bool:
    """Published and cancelled events are open to anyone with the link; drafts to hosts."""
    return is_visible(event, viewer_is_host=is_host(viewer, event))


def is_visible(event: Event, *, viewer_is_host: bool) -> bool:
    """The draft rule, for callers that already know whether the viewer hosts."""
    return event.status != EventStatus.DRAFT or viewer_is_host


def is_host(viewer: User | None, event: Event) -> bool:
    return viewer is not None and any(host.user_id == viewer.id for host in event.hosts)


def is_creator(viewer: User | None, event: Event) -> bool:
    return viewer is not None and event.created_by_id == viewer.id


def require_host(viewer: User | None, event: Event) -> None:
    """:raise PermissionDenied: `viewer` does not host `event`."""
    if not is_host(viewer, event):
        raise PermissionDenied("Only the hosts of this event can do that.")


def require_creator(viewer: User | None, event: Event) -> None:
    """:raise PermissionDenied: `viewer` did not create `event`."""
    if not is_creator(viewer, event):
        raise PermissionDenied("Only the person who created this event can do that.")


# Writing


def create_event(actor: User, details: EventDetails, *, now: datetime | None = None) -> SaveResult:
    """Create a draft event hosted by `actor`.

    :raise PermissionDenied: `actor` has not confirmed their email address.
    :raise InvalidInput: a field breaks its rules (the error names it).
    """
    require_verified(actor)
    now = now or utcnow()
    event = Event(created_by=actor, status=EventStatus.DRAFT, slug=_new_slug(details.title))
    ambiguous = apply_details(event, details, now=now, is_new=True)
    event.hosts = [EventHost(user=actor, role=HostRole.CREATOR)]
    db.session.add(event)
    db.session.flush()
    return SaveResult(event, resolved_ambiguity=ambiguous, sequence_raised=False)


def update_event(
    actor: User, event: Event, details: EventDetails, *, now: datetime | None = None
) -> SaveResult:
    """Change an event; raise its sequence if time, place or title changed.
    More seats (or no limit any more) move the waitlist on.

    :raise PermissionDenied: `actor` is not a host.
    :raise InvalidInput: a field breaks its rules; nothing is changed.
    """
    require_host(actor, event)
    lock_event(event)  # capacity decides who gets a seat: no RSVP may interleave
    if event.status == EventStatus.CANCELLED:
        raise InvalidInput("A cancelled event cannot be edited.")
    now = now or utcnow()
    before = _calendar_fields(event)
    snapshot = details_snapshot(event)
    ambiguous = apply_details(event, details, now=now, is_new=False)
    changed = describe_changes(snapshot, details_snapshot(event))
    if changed:
        record_change(event, actor, changed, now=now)
    raised = _calendar_fields(event) != before
    if raised:
        event.sequence += 1
    db.session.flush()
    if raised and event.status == EventStatus.PUBLISHED:
        invitations.queue_updates(event)  # calendars move the entry
    promote_waitlist(event, now=now)
    return SaveResult(event, resolved_ambiguity=ambiguous, sequence_raised=raised)


def publish_event(actor: User, event: Event, *, now: datetime | None = None) -> None:
    """:raise PermissionDenied: not a host. :raise InvalidInput: not a draft, or over."""
    require_host(actor, event)
    require_verified(actor)
    now = now or utcnow()
    if event.status != EventStatus.DRAFT:
        raise InvalidInput("Only a draft can be published.")
    if event.ends_at <= now:
        raise InvalidInput("This event is over; change its dates before publishing it.")
    event.status = EventStatus.PUBLISHED
    event.published_at = now
    record_change(event, actor, "Published the event", now=now)


def cancel_event(
    actor: User, event: Event, *, message: str = "", now: datetime | None = None
) -> None:
    """Cancel a published event; it stays visible, marked cancelled.

    :raise PermissionDenied: not a host. :raise InvalidInput: not published.
    """
    require_host(actor, event)
    mark_cancelled(event, message=message, now=now)
    record_change(event, actor, "Cancelled the event", now=now)


def mark_cancelled(event: Event, *, message: str, now: datetime | None = None) -> None:
    """The cancellation itself, whoever asks (a host, or the last host leaving):
    one email to each person replying, with the calendar CANCEL for those going.

    :raise InvalidInput: not published.
    """
    if event.status != EventStatus.PUBLISHED:
        raise InvalidInput("Only a published event can be cancelled; delete a draft instead.")
    event.cancellation_message = clean_text(message, field="message", max_length=2000)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now or utcnow()
    event.sequence += 1
    close_host_invitations(event, now=event.cancelled_at)
    db.session.flush()
    invitations.queue_cancellations(event)  # calendars remove the entry


def close_host_invitations(event: Event, *, now: datetime) -> None:
    """A cancelled event takes no more hosts: its pending invitations stop
    working in the transaction of the cancellation (the row lock waits for
    an accept under way). Their rows stay, so the link can say why."""
    db.session.execute(
        update(HostInvitation)
        .where(HostInvitation.event_id == event.id, HostInvitation.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def void_host_invitations(event: Event) -> None:
    """Nobody may join the hosts through an invitation its inviter can no
    longer stand behind (a creator who left): in the transaction of that
    change, so no link works after it."""
    db.session.execute(delete(HostInvitation).where(HostInvitation.event_id == event.id))


def delete_event(actor: User, event: Event) -> None:
    """:raise PermissionDenied: not the creator. :raise InvalidInput: not a draft."""
    require_creator(actor, event)
    if event.status != EventStatus.DRAFT:
        raise InvalidInput("Only drafts can be deleted; cancel a published event instead.")
    db.session.delete(event)
    db.session.flush()


def copy_event(actor: User, event: Event, *, weeks: int, now: datetime | None = None) -> Event:
    """Make the next edition: a draft like `event`, `weeks` later, hosted by
    `actor`, that records `event` as its previous edition.

    :raise PermissionDenied: not a host. :raise InvalidInput: bad number of weeks.
    """
    require_host(actor, event)
    require_verified(actor)
    if not 1 <= weeks <= MAX_COPY_WEEKS:
        raise InvalidInput(f"Choose between 1 and {MAX_COPY_WEEKS} weeks.", field="weeks")
    shift = timedelta(weeks=weeks)
    if event.ends_at + shift <= (now or utcnow()):
        raise InvalidInput("The copy would still be in the past; move it further.", field="weeks")
    check_event_time(utc_to_local(event.ends_at, event.timezone) + shift, field="weeks")
    details = copied_details(event)
    for name in ("starts_at", "ends_at", "rsvp_deadline"):  # the same wall time, weeks later
        if details[name] is not None:
            details[name] = _shift_wall_time(details[name], event.timezone, shift)
    copy = Event(
        **details,
        created_by=actor,
        status=EventStatus.DRAFT,
        slug=_new_slug(event.title),
        hosts=[EventHost(user=actor, role=HostRole.CREATOR)],
        previous_edition_id=event.id,  # the series the report compares across
    )
    db.session.add(copy)
    db.session.flush()
    return copy


# Helpers


def _calendar_fields(event: Event) -> tuple:
    return (
        event.title, event.starts_at, event.ends_at, event.timezone,
        event.venue_name, event.venue_address, event.online_url,
    )  # fmt: skip


def _shift_wall_time(moment: datetime, zone: str, shift: timedelta) -> datetime:
    """Move by whole weeks on the wall clock, so 18:00 stays 18:00 across DST."""
    local = utc_to_local(moment, zone).replace(tzinfo=None) + shift
    try:
        return local_to_utc(local, zone, field="weeks").utc
    except InvalidInput:
        return moment + shift  # the wall time vanished (DST gap): keep the duration


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")


def _new_slug(title: str) -> str:
    """A readable, unique, permanent slug: the title and a random suffix."""
    return f"{slugify(title) or 'event'}-{secrets.token_hex(3)}"
