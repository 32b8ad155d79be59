"""Loading a community for a viewer, and the admins' rights over it."""

from __future__ import annotations

from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.errors import NotFound, PermissionDenied
from meetup.models import Community, User
from meetup.services import privacy

NOT_ADMIN = "Only this community's admins can do that."


def find_community(viewer: User | None, slug: str) -> Community:
    """The community at `slug`: a community's existence is public (a closed
    one keeps its page).

    :raise NotFound: no such community.
    """
    community = db.session.scalar(select(Community).where(Community.slug == slug))
    if community is None:
        raise NotFound("There is no such community.")
    return community


def is_admin(viewer: User | None, community: Community) -> bool:
    return privacy.is_admin(viewer, community.id)


def require_admin(viewer: User | None, community: Community) -> None:
    """:raise PermissionDenied: `viewer` is not one of its admins."""
    if not is_admin(viewer, community):
        raise PermissionDenied(NOT_ADMIN)
