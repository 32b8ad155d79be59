"""The event page's read model: the event, its seats, its hosts and the
viewer's reply, read in one statement, and every flag the page shows (host
tools, the online link, the list of people, feedback, the reply box), each
decided by its rule's own module so the templates decide nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
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
    exists,
    func,
    select,
)
from sqlalchemy.orm import aliased

from meetup.extensions import db
from meetup.lib import schedules
from meetup.lib.errors import NotFound
from meetup.models import (
    ACTIVE_STATUSES,
    Community,
    CommunityEvent,
    Event,
    EventHost,
    EventQuestion,
    EventStatus,
    EventTopic,
    EventVisibility,
    HostRole,
    Rsvp,
    RsvpStatus,
    Series,
    SeriesOccurrence,
    SeriesStatus,
    User,
)
from meetup.models.types import utcnow
from meetup.services.events.lookup import (
    is_creator,
    is_editable,
    is_visible,
    members_only_refusal,
)
from meetup.services.events.questions import list_questions
from meetup.services.outcomes.feedback import offers_feedback
from meetup.services.privacy import (
    is_listed_by_default,
    may_open_list,
    may_see_members_event,
    online_link_for,
)
from meetup.services.rsvps.seat_count import SeatCount, seat_count_columns, seat_count_of
from meetup.services.rsvps.seats import closed_reason
from meetup.services.series.navigation import (
    Neighbour,
    neighbour_columns,
    neighbour_of,
    series_seen_column,
)


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

    can_edit: bool  # is_editable
    can_publish: bool
    can_cancel: bool
    runs_replies: bool  # dashboard, replies, check-in, messages: once published
    can_delete: bool  # the creator, a draft


@dataclass(frozen=True)
class SeriesBox:
    """What the page of an occurrence says of its series."""

    slug: str
    title: str
    schedule: str  # in words: "Every month on the first Thursday at 19:00 (Europe/Paris)"
    previous: Neighbour | None
    next: Neighbour | None
    can_end: bool  # a host of the occurrence, and the series goes on


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
    # What the viewer may see and do, by the rules of their own modules:
    online_link: str  # the event's online link if it is the viewer's to see, else ""
    opens_attendee_list: bool  # the viewer may open the event's list of people
    offers_feedback: bool  # the viewer went, and the feedback form is open now
    # The community it belongs to, if any (its page links from the event's).
    community_slug: str | None = None
    community_name: str | None = None
    series: SeriesBox | None = None  # None: not an occurrence of a series

    @property
    def takes_replies(self) -> bool:
        """A draft has no reply box (nobody but its hosts sees it)."""
        return self.event.status != EventStatus.DRAFT

    @property
    def is_draft(self) -> bool:
        return self.event.status == EventStatus.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.event.status == EventStatus.CANCELLED

    @property
    def offers_calendar(self) -> bool:
        """Calendar files and links, once published (a draft may still change)."""
        return self.event.status != EventStatus.DRAFT

    @property
    def is_indexed(self) -> bool:
        """Search engines may index listed events that are not drafts."""
        return self.takes_replies and self.event.visibility == EventVisibility.PUBLIC


def host_tools(event: Event, *, viewer_is_creator: bool) -> HostTools:
    status = event.status
    return HostTools(
        can_edit=is_editable(event),
        can_publish=status == EventStatus.DRAFT,
        can_cancel=status == EventStatus.PUBLISHED,
        runs_replies=status != EventStatus.DRAFT,
        can_delete=viewer_is_creator and status == EventStatus.DRAFT,
    )


def get_event_page(viewer: User | None, slug: str, *, now: datetime | None = None) -> EventPage:
    """Return what the event page shows: the event with its topics, its
    seats, its hosts and the viewer's reply (one statement), and what the
    viewer may see and do on it at `now`.

    :raise NotFound: no such event, or a draft and `viewer` is not a host.
    :raise MembersOnly: a community's members-only event `viewer` may not see.
    """
    now = now or utcnow()
    parameters = {"slug": slug} if viewer is None else {"slug": slug, "viewer_id": viewer.id}
    query = _event_page_query(db.session.get_bind().dialect.name, with_reply=viewer is not None)
    found = db.session.execute(query, parameters).one_or_none()
    if found is None:
        raise NotFound("There is no such event.")
    event, going, waitlisted, pending, has_questions, host_rows, topic_rows = found[:7]
    community_slug, community_name = found[7:9]
    series, previous, following, series_seen = found[9:13]
    viewer_rsvp = found[13] if viewer is not None else None
    hosts = [HostSummary(user_id, name, HostRole(role)) for user_id, name, role in _rows(host_rows)]
    viewer_is_host = viewer is not None and any(h.user_id == viewer.id for h in hosts)
    if not is_visible(event, viewer_is_host=viewer_is_host):
        raise NotFound("There is no such event.")
    if not may_see_members_event(viewer, event, viewer_is_host=viewer_is_host):
        raise members_only_refusal(event)
    viewer_is_creator = is_creator(viewer, event)
    tools = host_tools(event, viewer_is_creator=viewer_is_creator) if viewer_is_host else None
    is_going = viewer_rsvp is not None and viewer_rsvp.status == RsvpStatus.GOING
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
        online_link=online_link_for(
            event,
            reply_status=viewer_rsvp.status if viewer_rsvp else None,
            viewer_is_host=viewer_is_host,
        ),
        opens_attendee_list=may_open_list(
            event, viewer_is_host=viewer_is_host, viewer_is_going=is_going
        ),
        offers_feedback=offers_feedback(viewer, event, going=is_going, now=now),
        community_slug=community_slug,
        community_name=community_name,
        series=_series_box(
            series if series_seen else None, previous, following, viewer_is_host=viewer_is_host
        ),
    )


def _series_box(
    series: Series | None, previous: str | None, following: str | None, *, viewer_is_host: bool
) -> SeriesBox | None:
    if series is None:
        return None
    return SeriesBox(
        slug=series.slug,
        title=series.title,
        schedule=schedules.describe(series.schedule),
        previous=neighbour_of(previous),
        next=neighbour_of(following),
        can_end=viewer_is_host and series.status == SeriesStatus.ACTIVE,
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
    they joined, its topics, its community's slug and name, its series
    with the previous and next occurrence and whether the viewer may see
    it (series.navigation), and (with
    `with_reply`) the viewer's own reply.
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
    link = aliased(SeriesOccurrence, name="this_link")
    series = aliased(Series, name="this_series")
    query = select(
        Event,
        *seat_count_columns(_json_function(dialect, "array")),
        exists().where(EventQuestion.event_id == Event.id),
        hosts,
        topics,
        *(
            select(column)
            .join(CommunityEvent, CommunityEvent.community_id == Community.id)
            .where(CommunityEvent.event_id == Event.id)
            .scalar_subquery()
            for column in (Community.slug, Community.name)
        ),
        series,
        *neighbour_columns(link, series, _json_function(dialect, "array")),
        series_seen_column(series),
    )
    # At most one row each: an event is one occurrence of one series.
    query = (
        query.outerjoin(link, link.event_id == Event.id)
        .outerjoin(series, series.id == link.series_id)
        .where(Event.slug == bindparam("slug"))
    )
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


@dataclass(frozen=True)
class RsvpPanel:
    """What the event page shows about replies, for one viewer: the facts, and
    the flags and labels the template shows without deciding anything."""

    seats: SeatCount
    rsvp: Rsvp | None  # the viewer's own reply
    closed: str | None  # why the viewer cannot reply now, if they cannot
    questions: list[EventQuestion]
    # What the reply box offers: "closed", "log_in", "confirm_email", "final"
    # (declined or removed: nothing to do), or "form".
    state: str
    holds_place: bool  # going, waitlisted or pending
    going_label: str | None  # the button that replies "going"; None: no such button
    not_going_label: str | None  # the button that replies "can't go"; None: none
    asks_approval: bool  # the hosts approve each reply (said to people who are not hosts)
    shows_ticket: bool
    shows_waitlist_rule: bool  # the event is full or has a queue: say how seats move
    shows_pending_link: bool  # for hosts: replies waiting for their approval
    # Why new replies are closed while the viewer, holding a place, may
    # still withdraw (said above the form); None otherwise.
    withdraw_only: str | None
    # The viewer's privacy setting lists them in attendee lists (the default
    # of the form's directory choice).
    listed_by_default: bool

    @property
    def shows_form(self) -> bool:
        return self.state == "form"


def rsvp_panel(viewer: User | None, page: EventPage, *, now: datetime | None = None) -> RsvpPanel:
    """The reply box of `page` (get_event_page read the seats and the
    viewer's reply with the event); asks the questions only of someone who
    can reply, so anonymous visitors cost no query."""
    now = now or utcnow()
    event, rsvp, seats = page.event, page.viewer_rsvp, page.seats
    holds_place = rsvp is not None and rsvp.status in ACTIVE_STATUSES
    closed = closed_reason(event, now, for_new_reply=not holds_place)
    asks = page.has_questions and viewer is not None and not closed
    questions = list_questions(event) if asks else []
    asks_approval = event.is_approval_required and not page.viewer_is_host
    still_withdraws = holds_place and not closed
    return RsvpPanel(
        seats=seats,
        rsvp=rsvp,
        closed=closed,
        questions=questions,
        state=_panel_state(viewer, rsvp, closed),
        holds_place=holds_place,
        going_label=_going_label(
            event,
            seats,
            holds_place=holds_place,
            asks_approval=asks_approval,
            has_details=bool(event.guest_limit or questions),
        ),
        not_going_label=_not_going_label(rsvp, holds_place=holds_place),
        asks_approval=asks_approval,
        shows_ticket=(
            rsvp is not None
            and rsvp.status == RsvpStatus.GOING
            and event.status == EventStatus.PUBLISHED
        ),
        shows_waitlist_rule=bool(seats.waitlisted or (seats.capacity and not seats.left)),
        shows_pending_link=page.viewer_is_host and bool(seats.pending),
        withdraw_only=closed_reason(event, now, for_new_reply=True) if still_withdraws else None,
        listed_by_default=viewer is not None and is_listed_by_default(viewer),
    )


def _not_going_label(rsvp: Rsvp | None, *, holds_place: bool) -> str | None:
    if rsvp is not None and rsvp.status == RsvpStatus.NOT_GOING:
        return None  # said already
    return "Withdraw" if holds_place else "Can't go"


def _panel_state(viewer: User | None, rsvp: Rsvp | None, closed: str | None) -> str:
    if closed:
        return "closed"
    if viewer is None:
        return "log_in"
    if not viewer.is_verified:
        return "confirm_email"
    if rsvp is not None and rsvp.status in (RsvpStatus.DECLINED, RsvpStatus.REMOVED):
        return "final"
    return "form"


def _going_label(
    event: Event, seats: SeatCount, *, holds_place: bool, asks_approval: bool, has_details: bool
) -> str | None:
    """The words on the "going" button, or None when it would change nothing
    (already holding a place, with no guests or answers to update)."""
    if holds_place:
        return "Update my reply" if has_details else None
    if asks_approval:
        return "Ask to join"
    if seats.capacity and not seats.left and not event.is_approval_required:
        return "Join the waitlist"
    return "I'm going"
