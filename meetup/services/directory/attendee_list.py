"""An event's list of people as a viewer sees it: the page read model.

visible_attendees reads a page (page_query's one statement) and turns its
rows into Cards, filled by services.privacy's answers: the profile's fields
only where the viewer may see the profile (privacy.can_see_profile), the
email for hosts only (privacy.shows_emails_on_list), the Connect offer where
the viewer may ask (privacy.can_ask_on_list). Templates show what a Card
holds and decide nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from meetup.extensions import db
from meetup.models import Event, Goal, ProfileVisibility, RsvpStatus, User
from meetup.services import privacy
from meetup.services.directory.access import can_see_directory, open_directory
from meetup.services.directory.page_query import (
    GOALS,
    PER_PAGE,
    TAG_SEPARATOR,
    DirectoryFilters,
    counts_query,
    filter_values,
    page_query,
)


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
    email: str  # for hosts only (else empty)
    interests: list[str]
    offers: list[Goal]
    seeks: list[Goal]
    # The viewer may ask this person to connect (they see them as an attendee).
    offers_connect: bool = False


@dataclass(frozen=True)
class DirectoryPage:
    people: list[Card]
    statuses: dict[int, RsvpStatus]  # everyone's status, for hosts only (else empty)
    # Everyone going, the same for every viewer: never how many are listed,
    # as a page of cards short of it would tell a block from a choice.
    going_total: int
    page: int
    has_next: bool
    viewer_is_host: bool


def visible_attendees(
    viewer: User | None, event: Event, filters: DirectoryFilters, *, page: int = 1
) -> DirectoryPage:
    """The people `viewer` may see in `event`'s directory, 50 a page: one
    statement (the page's people with their tags and the counts; a second
    for the counts when the page is empty).

    :raise PermissionDenied: the event's setting keeps `viewer` out.
    """
    host = open_directory(viewer, event)
    page = max(page, 1)
    shape, params = filter_values(filters)
    # Hosts see everyone; the others not the people across a block, who are
    # counted as a visitor counts them all the same: a block must not show
    # in the counts (a logged-out look would tell it).
    params.update(
        event_id=event.id,
        offset=(page - 1) * PER_PAGE,
        viewer_id=None if viewer is None else viewer.id,
    )
    statement = page_query(
        db.session.get_bind().dialect.name, host=host, signed_in=viewer is not None, **shape
    )
    # Plain columns: the connection runs them without the ORM's compile step.
    rows = db.session.connection().execute(statement, params).all()
    if rows:
        going_total = rows[0][-1]
    else:  # nothing on the page to carry the counts
        going_total = db.session.connection().execute(counts_query(), params).scalar_one()
    has_next, rows = len(rows) > PER_PAGE, rows[:PER_PAGE]
    sees_as_attendee = not host or can_see_directory(viewer, event, as_attendee=True)
    people = cards(
        rows, viewer, _tags_of_rows(rows), viewer_is_host=host, sees_as_attendee=sees_as_attendee
    )
    return DirectoryPage(
        people=people,
        statuses={row[0]: row[7] for row in rows} if host else {},  # see cards
        going_total=going_total,
        page=page,
        has_next=has_next,
        viewer_is_host=host,
    )


def _tags_of_rows(rows: list[Any]) -> Tags:
    """Each row's person's interests, offers and seeks, from page_query's
    texts (read by position, as cards reads the rest)."""
    split, goals = TAG_SEPARATOR, GOALS
    tags: Tags = {}
    for row in rows:
        interests, offers, seeks = row[9:12]
        tags[row[0]] = (
            interests.split(split) if interests else [],
            [goals[value] for value in offers.split(split)] if offers else [],
            [goals[value] for value in seeks.split(split)] if seeks else [],
        )
    return tags


Tags = dict[int, tuple[list[str], list[Goal], list[Goal]]]  # interests, offers, seeks


class _Person(NamedTuple):
    """What privacy.can_see_profile reads of a person, from a row's items."""

    id: int
    profile_visibility: ProfileVisibility
    deleted_at: datetime | None


def cards(
    rows: list[Any],
    viewer: User | None,
    tags: Tags,
    *,
    viewer_is_host: bool,
    sees_as_attendee: bool = False,
) -> list[Card]:
    """Cards for `rows` (replies_of_viewer's columns first, read by position:
    a Row's attributes cost ten times its items, and a page has fifty) as
    `viewer` may see them (privacy.can_see_profile: else the name alone),
    with their `tags` (people without: none). `sees_as_attendee`: the list
    opens to the viewer without a host's rights (privacy.can_ask_on_list)."""
    may_ask = privacy.can_ask_on_list(viewer, opens_as_attendee=sees_as_attendee)
    shows_email = privacy.shows_emails_on_list(viewer_is_host=viewer_is_host)
    untagged: tuple[list[str], list[Goal], list[Goal]] = ([], [], [])
    people = []
    for row in rows:
        user_id, name, headline, company, email, visibility, deleted_at, status, shown = row[:9]
        connect = may_ask(user_id, shown, status)
        email = email if shows_email else ""
        if privacy.can_see_profile(viewer, _Person(user_id, visibility, deleted_at)):
            interests, offers, seeks = tags.get(user_id, untagged)
            people.append(Card(user_id, name, True, headline, company, email, interests, offers,
                               seeks, connect))  # fmt: skip
        else:
            people.append(Card(user_id, name, False, "", "", email, [], [], [], connect))
    return people
