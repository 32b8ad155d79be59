"""The attendee directory: who sees an event's list of people, and whom.

This module alone decides it, for every page, count, export and profile
list that names people: visible_attendees (an event's people, and the
hosts' CSV through the same query) and events_showing (the events a
profile lists), both by the rule of can_see_directory, shown_condition and
shows_person. Later features (follow-ups, connections, an API) reuse them.
Rules: the event's setting says who may open the directory (everyone who
can see the event; people going and hosts; hosts only). In it, people going
appear only when they chose to: their choice for this event, else their
privacy setting. Hidden people are counted, never named. Hosts see everyone
who replied, with status and email (the reply form told them so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, null, or_, select, union_all
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.spreadsheets import csv_text
from meetup.models import (
    DirectoryChoice,
    DirectoryVisibility,
    Event,
    EventStatus,
    EventVisibility,
    Goal,
    GoalDirection,
    Rsvp,
    RsvpStatus,
    User,
    UserGoal,
    UserInterest,
)
from meetup.services.accounts import privacy
from meetup.services.errors import LoginRequired, PermissionDenied
from meetup.services.events.event_listing import EventCard
from meetup.services.events.events import is_host

PER_PAGE = 50
PROFILE_EVENTS = 10  # per list on a profile
PROFILE_CANDIDATES = 200  # a person's latest replies a profile looks through
# The members by value: a page's tags arrive as text, a hundred goals of them.
_GOALS = {goal.value: goal for goal in Goal}
_DIRECTIONS = {direction.value: direction for direction in GoalDirection}


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""  # name, headline or company words
    interest: str = ""
    offers: str = ""  # a Goal value
    seeks: str = ""


@dataclass(frozen=True)
class Card:
    """A person as the directory shows them: plain values, not ORM objects
    (a page has 50 people and their tags; building objects is the slow part)."""

    user_id: int
    display_name: str
    # The rest only where the viewer may see the person's profile (else empty).
    shows_profile: bool
    headline: str
    company: str
    email: str  # shown to hosts only (the template checks viewer_is_host)
    interests: list[str]
    offers: list[Goal]
    seeks: list[Goal]
    # The viewer may ask this person to connect (they see them as an attendee).
    offers_connect: bool = False


@dataclass(frozen=True)
class DirectoryPage:
    people: list[Card]
    statuses: dict[int, RsvpStatus]  # for hosts: everyone's status
    hidden: int  # going, not shown to this viewer
    shown_total: int
    page: int
    has_next: bool
    viewer_is_host: bool


def can_see_directory(
    viewer: User | None,
    event: Event,
    *,
    viewer_is_going: bool | None = None,
    as_attendee: bool = False,
) -> bool:
    """May `viewer` open the directory? (`viewer_is_going` saves a query
    when the caller knows.) `as_attendee`: the hosts' own right to see every
    reply does not count (connections treat hosts as ordinary attendees)."""
    if not as_attendee and is_host(viewer, event):
        return True
    if event.directory_visibility == DirectoryVisibility.EVERYONE:
        return True
    if event.directory_visibility == DirectoryVisibility.ATTENDEES and viewer is not None:
        if viewer_is_going is not None:
            return viewer_is_going
        return (
            db.session.scalar(
                select(func.count())
                .select_from(Rsvp)
                .where(
                    Rsvp.event_id == event.id,
                    Rsvp.user_id == viewer.id,
                    Rsvp.status == RsvpStatus.GOING,
                )
            )
            == 1
        )
    return False


@cache  # one immutable SQL expression: built once, not on every page
def shown_condition() -> Any:
    """SQL: this reply's person appears in the directory (their choice for
    the event, else their privacy setting). Appearing means the name; every
    other field follows privacy.can_see_profile."""
    return or_(
        Rsvp.directory_choice == DirectoryChoice.SHOWN,
        and_(Rsvp.directory_choice.is_(None), privacy.listed_by_default_condition()),
    )


@cache
def _shown_by_copies() -> Any:
    """shown_condition over the reply's own columns: its person's listing as
    the reply carries it (Rsvp.is_person_listed, kept equal to
    privacy.listed_by_default_condition by services.directory.copies)."""
    return or_(
        Rsvp.directory_choice == DirectoryChoice.SHOWN,
        and_(Rsvp.directory_choice.is_(None), Rsvp.is_person_listed.is_(True)),
    )


def shows_person(
    viewer: User | None,
    event: Event,
    *,
    person_shown: bool,
    viewer_is_going: bool,
    as_attendee: bool = False,
) -> bool:
    """Does `event`'s directory show a person going to it to `viewer`?
    (`person_shown`: their choice, see shown_condition.) Hosts see everyone,
    unless `as_attendee` (connections: a host is an ordinary attendee)."""
    if not as_attendee and is_host(viewer, event):
        return True
    return person_shown and can_see_directory(
        viewer, event, viewer_is_going=viewer_is_going, as_attendee=as_attendee
    )


def _replies(viewer: User | None, event: Event) -> tuple[Any, bool]:
    """The replies `viewer` may see in `event`'s directory, as a query of
    plain columns (parameter: event_id), and whether `viewer` hosts it
    (then: every reply).

    :raise LoginRequired: the event's setting keeps anonymous visitors out.
    :raise PermissionDenied: the event's setting keeps `viewer` out.
    """
    if not can_see_directory(viewer, event):
        if viewer is None:
            raise LoginRequired("Log in to see who's coming.")
        raise PermissionDenied("The hosts keep this event's list of people to themselves.")
    host = is_host(viewer, event)
    query = _replies_query(host=host)
    if not host:
        query = query.where(privacy.not_blocked_condition(viewer))
    return query, host


@cache  # built once: a page adds only the viewer's blocks and its filters
def _replies_query(*, host: bool) -> Any:
    """_replies' statement before the viewer's blocks. Parameter: event_id."""
    query = (
        select(
            User.id,
            User.display_name,
            User.headline,
            User.company,
            User.email,
            User.profile_visibility,
            User.deleted_at,
            Rsvp.status,
            shown_condition().label("shown"),
        )
        .join(Rsvp, Rsvp.user_id == User.id)
        .where(Rsvp.event_id == bindparam("event_id"), User.deleted_at.is_(None))
        # The name folded for sorting, read in order from the replies' index
        # (event, status, sort_name, user): a page reads its rows, not 2,000.
        .order_by(Rsvp.sort_name, Rsvp.user_id)
    )
    if not host:
        query = query.where(Rsvp.status == RsvpStatus.GOING, shown_condition())
    return query


def visible_attendees(
    viewer: User | None, event: Event, filters: DirectoryFilters, *, page: int = 1
) -> DirectoryPage:
    """The people `viewer` may see in `event`'s directory, 50 a page.

    :raise PermissionDenied: the event's setting keeps `viewer` out.
    """
    query, host = _replies(viewer, event)
    page = max(page, 1)
    query, params = _filtered(query, filters, viewer)
    rows = db.session.execute(
        query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1), {"event_id": event.id, **params}
    ).all()
    sees_as_attendee = not host or can_see_directory(viewer, event, as_attendee=True)
    cards = _cards(rows[:PER_PAGE], viewer, sees_as_attendee=sees_as_attendee)
    # Counted from the replies' index alone, not joined to 2,000 people: the
    # replies carry their person's listing (services.directory.copies), and
    # a deleted account has no replies left.
    with_blocks = not host and viewer is not None
    going_total, going_shown = db.session.execute(
        _counts_query(with_blocks=with_blocks),
        {"event_id": event.id, "blocked": list(privacy.blocked_ids(viewer)) if with_blocks else []},
    ).one()
    return DirectoryPage(
        people=cards,
        statuses={row.id: row.status for row in rows[:PER_PAGE]},
        hidden=0 if host else going_total - going_shown,
        shown_total=going_total if host else going_shown,
        page=page,
        has_next=len(rows) > PER_PAGE,
        viewer_is_host=host,
    )


@cache
def _counts_query(*, with_blocks: bool) -> Any:
    """The event's people going, and those of them shown (without the people
    in `blocked` when `with_blocks`). Parameters: event_id, blocked."""
    shown = _shown_by_copies()
    if with_blocks:
        shown = and_(shown, Rsvp.user_id.not_in(bindparam("blocked", expanding=True)))
    return (
        select(func.count(), func.count().filter(shown))
        .select_from(Rsvp)
        .where(Rsvp.event_id == bindparam("event_id"), Rsvp.status == RsvpStatus.GOING)
    )


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
        select(Event, shown_condition().label("shown"))
        .join(Rsvp, Rsvp.event_id == Event.id)
        .join(User, User.id == Rsvp.user_id)
        .where(
            Rsvp.user_id == person.id,
            Rsvp.status == RsvpStatus.GOING,
            Event.status == EventStatus.PUBLISHED,
            User.deleted_at.is_(None),
        )
        .order_by(Event.starts_at.desc())
        .limit(PROFILE_CANDIDATES)
        .options(selectinload(Event.hosts), selectinload(Event.topics))
    ).all()
    viewer_going: set[int] = set()
    if viewer is not None and rows:
        viewer_going = set(
            db.session.scalars(
                select(Rsvp.event_id).where(
                    Rsvp.user_id == viewer.id,
                    Rsvp.status == RsvpStatus.GOING,
                    Rsvp.event_id.in_([event.id for event, _ in rows]),
                )
            )
        )
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
            together.append(card)
    going.reverse()  # soonest first
    return PersonEvents(going=going[:limit], went=went[:limit], together=together[:limit])


def _cards(
    rows: list[Any], viewer: User | None, *, among: Any = None, sees_as_attendee: bool = False
) -> list[Card]:
    """Cards for `rows` as `viewer` may see them (privacy.can_see_profile:
    else the name alone), with their interests and goals: one more query.
    `among` (SQL, user ids) narrows those queries without listing every id
    when `rows` are a whole event's. `sees_as_attendee`: the viewer would see
    the listed people without a host's rights, so may ask them to connect."""
    may_ask = sees_as_attendee and viewer is not None and viewer.is_verified
    blocked = privacy.blocked_ids(viewer) if may_ask else frozenset()
    shows = {row.id: privacy.can_see_profile(viewer, row) for row in rows}
    rows_shown = [row for row in rows if shows[row.id]]
    ids = [row.id for row in rows_shown]
    interests: dict[int, list[str]] = {user_id: [] for user_id in ids}
    goals: dict[tuple[int, GoalDirection], list[Goal]] = {}
    tags, params = (_tags_by_ids(), {"ids": ids}) if among is None else (_tags_query(among), {})
    for user_id, value, direction in db.session.execute(tags, params):
        if user_id not in interests:
            continue
        if direction is None:
            interests[user_id].append(value)
        else:
            goals.setdefault((user_id, _DIRECTIONS[direction]), []).append(_GOALS[value])
    return [
        Card(
            user_id=row.id,
            display_name=row.display_name,
            shows_profile=shows[row.id],
            headline=row.headline if shows[row.id] else "",
            company=row.company if shows[row.id] else "",
            email=row.email,
            interests=interests.get(row.id, []),
            offers=goals.get((row.id, GoalDirection.OFFERS), []),
            seeks=goals.get((row.id, GoalDirection.SEEKS), []),
            offers_connect=(
                may_ask
                and row.shown
                and row.status == RsvpStatus.GOING  # what an attendee would see
                and row.id != viewer.id
                and row.id not in blocked
            ),
        )
        for row in rows
    ]


@cache  # a page's statement is built once
def _tags_by_ids() -> Any:
    """_tags_query of the people listed in the parameter ids."""
    return _tags_query(bindparam("ids", expanding=True))


def _tags_query(among: Any) -> Any:
    """Interests and goals of the people in `among` (SQL or a parameter) in
    one statement (a round trip less), each in the order of its name, as a
    profile shows them."""
    tags = union_all(
        select(UserInterest.user_id, UserInterest.name.label("value"), null().label("direction"))
        .where(UserInterest.user_id.in_(among)),
        select(UserGoal.user_id, UserGoal.goal, UserGoal.direction)
        .where(UserGoal.user_id.in_(among)),
    )  # fmt: skip
    return tags.order_by(tags.selected_columns.value)


def _filtered(
    query: Any, filters: DirectoryFilters, viewer: User | None
) -> tuple[Any, dict[str, Any]]:
    """Search only what `viewer` may see: the name, and the other fields only
    of people whose profile they may see (privacy.profile_fields_condition).
    Returns the query and the values of its parameters."""
    fields_visible = privacy.profile_fields_condition(viewer)
    for word in filters.query.lower().split()[:5]:
        query = query.where(
            or_(
                func.lower(User.display_name).contains(word, autoescape=True),
                and_(
                    fields_visible,
                    or_(
                        func.lower(User.headline).contains(word, autoescape=True),
                        func.lower(User.company).contains(word, autoescape=True),
                    ),
                ),
            )
        )
    if (
        filters.interest
        or filters.offers in Goal.__members__.values()
        or (filters.seeks in Goal.__members__.values())
    ):
        query = query.where(fields_visible)
    params: dict[str, Any] = {}
    if filters.interest:
        query = query.where(_interest_condition())
        params["interest"] = filters.interest.strip().lower()
    for direction, value in ((GoalDirection.OFFERS, filters.offers),
                             (GoalDirection.SEEKS, filters.seeks)):  # fmt: skip
        if value in Goal.__members__.values():
            query = query.where(_goal_condition(direction))
            params[f"{direction.value}_goal"] = Goal(value)
    return query, params


@cache  # the filters' conditions are built once, their values bound when run
def _interest_condition() -> Any:
    """SQL over User: has the interest in the parameter interest."""
    return User.interests.any(UserInterest.name == bindparam("interest"))


@cache
def _goal_condition(direction: GoalDirection) -> Any:
    """SQL over User: has the goal in the parameter <direction>_goal, in `direction`."""
    return User.goals.any(
        and_(UserGoal.goal == bindparam(f"{direction.value}_goal"), UserGoal.direction == direction)
    )


def directory_csv(actor: User, event: Event) -> str:
    """The hosts' export: for people who chose to be listed, what the
    directory shows the host (headline, company, interests, offers, seeks,
    where their profile is open to the host); for the others only what hosts
    see anyway (name, email, status). Constant queries.

    :raise PermissionDenied: `actor` is not a host.
    """
    if not is_host(actor, event):
        raise PermissionDenied("Only the hosts of this event can do that.")
    rows = db.session.execute(_replies(actor, event)[0], {"event_id": event.id}).all()
    repliers = select(Rsvp.user_id).where(Rsvp.event_id == event.id)
    shown = [row for row in rows if row.shown]
    cards = {card.user_id: card for card in _cards(shown, actor, among=repliers)}
    header = ["name", "email", "status", "listed", "headline", "company", "interests",
              "offers", "seeks"]  # fmt: skip
    lines: list[list[object]] = [header]
    for row in rows:
        profile = ["", "", "", "", ""]
        card = cards.get(row.id)
        if card is not None and card.shows_profile:
            profile = [
                card.headline,
                card.company,
                ", ".join(card.interests),
                ", ".join(goal.value for goal in card.offers),
                ", ".join(goal.value for goal in card.seeks),
            ]
        lines.append([row.display_name, row.email, row.status.value,
                      "yes" if row.shown else "no", *profile])  # fmt: skip
    return csv_text(lines)
