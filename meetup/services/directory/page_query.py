"""The directory's statements: an event's replies as a viewer may see them,
searched, a page at a time with its people's tags and the event's count.

Each is built once per kind of viewer and filter shape (cached), its values
bound when run: a page compiles nothing. Who is shown, and which fields a
search may read, are services.privacy's (shown_condition,
not_blocked_of_viewer, profile_fields_of_viewer).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, literal, or_, select, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from meetup.models import Goal, GoalDirection, Rsvp, RsvpStatus, User, UserGoal, UserInterest
from meetup.services import privacy

PER_PAGE = 50
# The members by value: a page's tags arrive as text, a hundred goals of them.
GOALS = {goal.value: goal for goal in Goal}


@dataclass(frozen=True)
class DirectoryFilters:
    query: str = ""  # name, headline or company words
    interest: str = ""
    offers: str = ""  # a Goal value
    seeks: str = ""


@cache  # built once: a page adds only its filters
def replies_of_viewer(*, host: bool, signed_in: bool) -> Any:
    """The replies a viewer may see in the directory: hosts see every reply; others only the people
    shown, never across a block (parameter viewer_id)."""
    query = _replies_query(host=host)
    if not host and signed_in:
        query = query.where(privacy.not_blocked_of_viewer())
    return query


@cache
def _replies_query(*, host: bool) -> Any:
    """replies_of_viewer before the viewer's blocks (its columns in the
    order attendee_list.cards reads them). Parameter: event_id."""
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
            privacy.shown_condition().label("shown"),
        )
        .join(Rsvp, Rsvp.user_id == User.id)
        .where(Rsvp.event_id == bindparam("event_id"), User.deleted_at.is_(None))
        # The name folded for sorting, read in order from the replies' index
        # (event, status, sort_name, user): a page reads its rows, not 2,000.
        .order_by(Rsvp.sort_name, Rsvp.user_id)
    )
    if not host:
        query = query.where(Rsvp.status == RsvpStatus.GOING, privacy.shown_condition())
    return query


# Joins a person's tags into one text: a normalised tag never holds it
# (lib.text.normalize_tag splits on whitespace, which in Python includes it).
TAG_SEPARATOR = "\x1f"


@cache  # one statement per kind of viewer and filter shape, values bound when run
def page_query(
    dialect: str,
    *,
    host: bool,
    signed_in: bool,
    words: int,
    interest: bool,
    offers: bool,
    seeks: bool,
) -> Any:
    """A page of the directory: the replies' rows, filtered (_filtered), each
    with its person's interests, offers and seeks as texts joined by
    TAG_SEPARATOR, each in the order of its name (as a profile shows them),
    and the counts of counts_query, the same on every row (in this order,
    after the replies' columns: attendee_list reads them by
    position). Parameters: event_id, viewer_id, offset, and
    filter_values'."""
    query = _filtered(
        replies_of_viewer(host=host, signed_in=signed_in),
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
    counts = counts_query().cte("counts").prefix_with("MATERIALIZED", dialect="postgresql")
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
    `page`), in order, joined by TAG_SEPARATOR (NULL for none). PostgreSQL
    orders inside the aggregate; SQLite (3.40 has no ORDER BY there) joins
    in the order of an ordered subquery, which it does not flatten."""
    separator = literal(TAG_SEPARATOR)
    if dialect == "postgresql":
        joined = func.string_agg(column, aggregate_order_by(separator, column))
        return select(joined).where(where).correlate(page).scalar_subquery().label(label)
    ordered = select(column.label("value")).where(where).order_by(column).correlate(page)
    ordered = ordered.subquery()
    return select(func.group_concat(ordered.c.value, separator)).scalar_subquery().label(label)


@cache
def counts_query() -> Any:
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


def filter_values(filters: DirectoryFilters) -> tuple[dict[str, Any], dict[str, Any]]:
    """The shape of `filters` (_filtered's arguments, which pick a statement
    built once) and the values of its parameters."""
    words = filters.query.lower().split()[:5]
    offers = filters.offers in GOALS
    seeks = filters.seeks in GOALS
    params: dict[str, Any] = {
        f"word{number}": _like_escaped(word) for number, word in enumerate(words)
    }
    if filters.interest:
        params["interest"] = filters.interest.strip().lower()
    if offers:
        params["offers_goal"] = GOALS[filters.offers]
    if seeks:
        params["seeks_goal"] = GOALS[filters.seeks]
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
