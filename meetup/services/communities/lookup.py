"""Loading a community for a viewer, and the admins' rights over it.

A community's page is public whatever its state (a closed one says so), so
the loader refuses nobody; the admins' tools ask `require_admin`, and what a
closed community no longer takes (joins, events, admins) asks `require_open`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound, PermissionDenied
from meetup.models import Community, User
from meetup.services import privacy

ADMINS_ONLY = "Only this community's admins can do that."
CLOSED = "This community has closed: it takes no new members, events or admins."


@cache
def _community_query() -> Select[Any]:
    """find_community's statement, built once. Parameter: slug."""
    return select(Community).where(Community.slug == bindparam("slug"))


def find_community(viewer: User | None, slug: str) -> Community:
    """The community behind a URL, open or closed, for any viewer (its page
    is public; what the viewer may do there is asked separately).

    :raise NotFound: no community has this slug.
    """
    community = db.session.scalar(_community_query(), {"slug": slug})
    if community is None:
        raise NotFound("There is no such community.")
    return community


def find_administered(viewer: User | None, slug: str) -> Community:
    """The community behind a URL, for one of its admins' pages.

    :raise NotFound: no community has this slug.
    :raise PermissionDenied: `viewer` is not one of its admins.
    """
    community = find_community(viewer, slug)
    require_admin(viewer, community)
    return community


def is_admin(viewer: User | None, community: Community) -> bool:
    """Is `viewer` one of the community's admins (all equal)?"""
    return privacy.is_admin(viewer, community.id)


def require_admin(viewer: User | None, community: Community) -> None:
    """:raise PermissionDenied: `viewer` is not one of the community's admins."""
    if not is_admin(viewer, community):
        raise PermissionDenied(ADMINS_ONLY)


def require_open(community: Community, *, field: str | None = None) -> None:
    """:raise InvalidInput: the community has closed (named `field` when a form asks)."""
    if not community.is_open:
        raise InvalidInput(CLOSED, field=field)


def lock_community(community: Community) -> None:
    """Serialise the writes on `community` (settings, admins, closing, joins,
    the admins' messages under their weekly cap) and re-read it, with its
    topics, questions and admins, as committed: two admins acting at once
    act one after the other, each on what the other left.

    Call it before changing anything of the community: the refresh would
    undo unflushed changes.
    """
    # Read to the end: the ORM refreshes the object (and loads its
    # collections) only as the row is fetched, not when the lock is taken.
    db.session.scalars(
        select(Community)
        .where(Community.id == community.id)
        .options(
            selectinload(Community.topics),
            selectinload(Community.questions),
            selectinload(Community.admins),
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def lock_as_admin(viewer: User, community: Community) -> None:
    """lock_community, then require_admin again on what it read: an admin
    removed while they waited for the lock acts no more.

    :raise PermissionDenied: `viewer` is not (any more) an admin.
    """
    lock_community(community)
    if not any(admin.user_id == viewer.id for admin in community.admins):
        raise PermissionDenied(ADMINS_ONLY)
