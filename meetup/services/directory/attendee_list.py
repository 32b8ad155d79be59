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
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, literal, null, or_, select, true, union_all
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased, selectinload

from meetup.extensions import db
from meetup.lib.errors import LoginRequired, PermissionDenied
from meetup.lib.spreadsheets import csv_text
from meetup.models import (
    DirectoryChoice,
    DirectoryVisibility,
    Event,
    EventStatus,
    EventVisibility,
    Goal,
    GoalDirection,
    ProfileVisibility,
    Rsvp,
    RsvpStatus,
    User,
    UserGoal,
    UserInterest,
)
from meetup.services.accounts import privacy
from meetup.services.events.event_listing import EventCard
from meetup.services.events.lookup import is_host

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


class Card(NamedTuple):
    """A person as the directory shows them: plain values, not ORM objects
    (a page has 50 people and their tags; building objects is the slow part:
    a tuple, built three times faster than a frozen dataclass)."""

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
    # Everyone going, the same for every viewer: never how many are listed,
    # as a page of cards short of it would tell a block from a choice.
    going_total: int
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


def shown_by_copies(reply: Any) -> Any:
    """shown_condition over the reply's own columns (`reply`: Rsvp or an
    alias): its person's listing as the reply carries it
    (Rsvp.is_person_listed, kept equal to privacy.listed_by_default_condition
    by services.accounts.copies)."""
    return or_(
        reply.directory_choice == DirectoryChoice.SHOWN,
        and_(reply.directory_choice.is_(None), reply.is_person_listed.is_(True)),
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
    plain columns (parameters: event_id, viewer_id), and whether `viewer`
    hosts it (then: every reply).

    :raise LoginRequired: the event's setting keeps anonymous visitors out.
    :raise PermissionDenied: the event's setting keeps `viewer` out.
    """
    host = _opens_directory(viewer, event)
    return _replies_of_viewer(host=host, signed_in=viewer is not None), host


def _opens_directory(viewer: User | None, event: Event) -> bool:
    """Whether `viewer` hosts `event`, once they may open its directory.

    :raise LoginRequired, PermissionDenied: as _replies.
    """
    if not can_see_directory(viewer, event):
        if viewer is None:
            raise LoginRequired("Log in to see who's coming.")
        raise PermissionDenied("The hosts keep this event's list of people to themselves.")
    return is_host(viewer, event)


@cache  # built once: a page adds only its filters
def _replies_of_viewer(*, host: bool, signed_in: bool) -> Any:
    """_replies' statement: hosts see every reply; others only the people
    shown, never across a block (parameter viewer_id)."""
    query = _replies_query(host=host)
    if not host and signed_in:
        query = query.where(privacy.not_blocked_of_viewer())
    return query


@cache
def _replies_query(*, host: bool) -> Any:
    """_replies' statement before the viewer's blocks (its columns in the
    order _cards reads them). Parameter: event_id."""
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
    """The people `viewer` may see in `event`'s directory, 50 a page: one
    statement (the page's people with their tags and the counts; a second
    for the counts when the page is empty).

    :raise PermissionDenied: the event's setting keeps `viewer` out.
    """
    host = _opens_directory(viewer, event)
    page = max(page, 1)
    shape, params = _filter_values(filters)
    # Hosts see everyone; the others not the people across a block, who are
    # counted as a visitor counts them all the same: a block must not show
    # in the counts (a logged-out look would tell it).
    params.update(
        event_id=event.id,
        offset=(page - 1) * PER_PAGE,
        viewer_id=None if viewer is None else viewer.id,
    )
    statement = _page_query(
        db.session.get_bind().dialect.name, host=host, signed_in=viewer is not None, **shape
    )
    # Plain columns: the connection runs them without the ORM's compile step.
    rows = db.session.connection().execute(statement, params).all()
    if rows:
        going_total = rows[0][-1]
    else:  # nothing on the page to carry the counts
        going_total = db.session.connection().execute(_counts_query(), params).scalar_one()
    has_next, rows = len(rows) > PER_PAGE, rows[:PER_PAGE]
    sees_as_attendee = not host or can_see_directory(viewer, event, as_attendee=True)
    cards = _cards(rows, viewer, _tags_of_rows(rows), sees_as_attendee=sees_as_attendee)
    return DirectoryPage(
        people=cards,
        statuses={row[0]: row[7] for row in rows},  # see _cards
        going_total=going_total,
        page=page,
        has_next=has_next,
        viewer_is_host=host,
    )


# Joins a person's tags into one text: a normalised tag never holds it
# (lib.text.normalize_tag splits on whitespace, which in Python includes it).
_TAG_SEPARATOR = "\x1f"


@cache  # one statement per kind of viewer and filter shape, values bound when run
def _page_query(
    dialect: str,
    *,
    host: bool,
    signed_in: bool,
    words: int,
    interest: bool,
    offers: bool,
    seeks: bool,
) -> Any:
    """A page of the directory: _replies' rows, filtered (_filtered), each
    with its person's interests, offers and seeks as texts joined by
    _TAG_SEPARATOR, each in the order of its name (as a profile shows them),
    and the counts of _counts_query, the same on every row (in this order,
    after _replies' columns: _cards and _tags_of_rows read them by
    position). Parameters: event_id, viewer_id, offset, and
    _filter_values'."""
    query = _filtered(
        _replies_of_viewer(host=host, signed_in=signed_in),
        signed_in=signed_in,
        words=words,
        interest=interest,
        offers=offers,
        seeks=seeks,
    )
    # The page first (its 51 rows read in order from the index), then its
    # people's tags: the database looks up 51 people's, not every match's.
    page = (
        query.add_columns(Rsvp.sort_name.label("sort_key"), Rsvp.user_id.label("user_key"))
        .offset(bindparam("offset"))
        .limit(PER_PAGE + 1)
        .subquery("page")
    )
    # One row, joined to each of the page's: its counts in the same round trip.
    # Materialized, so they are counted once: PostgreSQL's generic plan for a
    # prepared statement (psycopg prepares what a connection runs often)
    # expects one row on the page and would count again for each of 51.
    counts = _counts_query().cte("counts").prefix_with("MATERIALIZED", dialect="postgresql")
    return (
        select(
            *(column for column in page.c if column.key not in ("sort_key", "user_key")),
            _joined_tags(
                dialect, UserInterest.name, UserInterest.user_id == page.c.id, page, "interests"
            ),
            *(
                _joined_tags(
                    dialect,
                    UserGoal.goal,
                    and_(UserGoal.user_id == page.c.id, UserGoal.direction == direction),
                    page,
                    direction.value,
                )
                for direction in (GoalDirection.OFFERS, GoalDirection.SEEKS)
            ),
            counts.c.going_total,
        )
        .select_from(page.join(counts, true()))
        .order_by(page.c.sort_key, page.c.user_key)
    )


def _joined_tags(dialect: str, column: Any, where: Any, page: Any, label: str) -> Any:
    """SQL, named `label`: the values of `column` where `where` (over
    `page`), in order, joined by _TAG_SEPARATOR (NULL for none). PostgreSQL
    orders inside the aggregate; SQLite (3.40 has no ORDER BY there) joins
    in the order of an ordered subquery, which it does not flatten."""
    separator = literal(_TAG_SEPARATOR)
    if dialect == "postgresql":
        joined = func.string_agg(column, aggregate_order_by(separator, column))
        return select(joined).where(where).correlate(page).scalar_subquery().label(label)
    ordered = select(column.label("value")).where(where).order_by(column).correlate(page)
    ordered = ordered.subquery()
    return select(func.group_concat(ordered.c.value, separator)).scalar_subquery().label(label)


def _tags_of_rows(rows: list[Any]) -> Tags:
    """Each row's person's interests, offers and seeks, from _page_query's
    texts (read by position, as _cards reads the rest)."""
    split, goals = _TAG_SEPARATOR, _GOALS
    tags: Tags = {}
    for row in rows:
        interests, offers, seeks = row[9:12]
        tags[row[0]] = (
            interests.split(split) if interests else [],
            [goals[value] for value in offers.split(split)] if offers else [],
            [goals[value] for value in seeks.split(split)] if seeks else [],
        )
    return tags


@cache
def _counts_query() -> Any:
    """The event's people going (going_total), the same for every viewer: a
    block hides a name, never changes a count, and how many are listed is
    never said (see DirectoryPage). Counted from the replies' index alone,
    not joined to 2,000 people; a deleted account has no replies left.
    Parameter: event_id."""
    reply = aliased(Rsvp, name="counted")  # apart from the page's replies
    return (
        select(func.count().label("going_total"))
        .select_from(reply)
        .where(reply.event_id == bindparam("event_id"), reply.status == RsvpStatus.GOING)
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


Tags = dict[int, tuple[list[str], list[Goal], list[Goal]]]  # interests, offers, seeks


class _Person(NamedTuple):
    """What privacy.can_see_profile reads of a person, from a row's items."""

    id: int
    profile_visibility: ProfileVisibility
    deleted_at: datetime | None


def _cards(
    rows: list[Any], viewer: User | None, tags: Tags, *, sees_as_attendee: bool = False
) -> list[Card]:
    """Cards for `rows` (_replies' columns first, read by position: a Row's
    attributes cost ten times its items, and a page has fifty) as `viewer`
    may see them (privacy.can_see_profile: else the name alone), with their
    `tags` (people without: none). `sees_as_attendee`: the viewer would see
    the listed people without a host's rights, so may ask them to connect."""
    may_ask = sees_as_attendee and viewer is not None and viewer.is_verified
    blocked = privacy.blocked_ids(viewer) if may_ask else frozenset()
    viewer_id = None if viewer is None else viewer.id
    untagged: tuple[list[str], list[Goal], list[Goal]] = ([], [], [])
    cards = []
    for row in rows:
        user_id, name, headline, company, email, visibility, deleted_at, status, shown = row[:9]
        # What an attendee would see, never across a block.
        connect = (
            may_ask
            and shown
            and status == RsvpStatus.GOING
            and user_id != viewer_id
            and user_id not in blocked
        )
        if privacy.can_see_profile(viewer, _Person(user_id, visibility, deleted_at)):
            interests, offers, seeks = tags.get(user_id, untagged)
            cards.append(Card(user_id, name, True, headline, company, email, interests, offers,
                              seeks, connect))  # fmt: skip
        else:
            cards.append(Card(user_id, name, False, "", "", email, [], [], [], connect))
    return cards


def _tags_among(among: Any) -> Tags:
    """Interests and goals of the people in `among` (SQL selecting user ids)
    in one statement, each in the order of its name, as a profile shows them."""
    tags: Tags = {}
    for user_id, value, direction in db.session.execute(_tags_query(among)):
        interests, offers, seeks = tags.setdefault(user_id, ([], [], []))
        if direction is None:
            interests.append(value)
        else:
            (offers if _DIRECTIONS[direction] == GoalDirection.OFFERS else seeks).append(
                _GOALS[value]
            )
    return tags


def _tags_query(among: Any) -> Any:
    """_tags_among's statement: one round trip for both kinds of tags."""
    tags = union_all(
        select(UserInterest.user_id, UserInterest.name.label("value"), null().label("direction"))
        .where(UserInterest.user_id.in_(among)),
        select(UserGoal.user_id, UserGoal.goal, UserGoal.direction)
        .where(UserGoal.user_id.in_(among)),
    )  # fmt: skip
    return tags.order_by(tags.selected_columns.value)


def _filter_values(filters: DirectoryFilters) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shape of `filters` (_filtered's arguments, which pick a statement
    built once) and the values of its parameters."""
    words = filters.query.lower().split()[:5]
    offers = filters.offers in _GOALS
    seeks = filters.seeks in _GOALS
    params: dict[str, Any] = {
        f"word{number}": _like_escaped(word) for number, word in enumerate(words)
    }
    if filters.interest:
        params["interest"] = filters.interest.strip().lower()
    if offers:
        params["offers_goal"] = _GOALS[filters.offers]
    if seeks:
        params["seeks_goal"] = _GOALS[filters.seeks]
    shape = {"words": len(words), "interest": bool(filters.interest), "offers": offers,
             "seeks": seeks}  # fmt: skip
    return shape, params


def _like_escaped(word: str) -> str:
    """`word` matched as typed inside LIKE ... ESCAPE '/' (what autoescape does)."""
    return word.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _filtered(
    query: Any, *, signed_in: bool, words: int, interest: bool, offers: bool, seeks: bool
) -> Any:
    """Search only what the viewer may see: the name, and the other fields
    only of people whose profile they may see (privacy.profile_fields_of_viewer).
    Parameters: word0... (_like_escaped), interest, offers_goal, seeks_goal."""
    fields_visible = privacy.profile_fields_of_viewer(signed_in=signed_in)
    for number in range(words):
        word = bindparam(f"word{number}")
        query = query.where(
            or_(
                func.lower(User.display_name).contains(word, escape="/"),
                and_(
                    fields_visible,
                    or_(
                        func.lower(User.headline).contains(word, escape="/"),
                        func.lower(User.company).contains(word, escape="/"),
                    ),
                ),
            )
        )
    if interest or offers or seeks:
        query = query.where(fields_visible)
    if interest:
        query = query.where(_interest_condition())
    if offers:
        query = query.where(_goal_condition(GoalDirection.OFFERS))
    if seeks:
        query = query.where(_goal_condition(GoalDirection.SEEKS))
    return query


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
    cards = {card.user_id: card for card in _cards(shown, actor, _tags_among(repliers))}
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
