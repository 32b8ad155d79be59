"""Finding an event and the hosts' rights over it: the one loader
(`find_event`) every page and service loads an event through.

Rights (README "Who may do what on an event"): hosts (the creator and
co-hosts) edit, publish and cancel (hosting.lifecycle); only the creator
deletes a draft and invites or removes hosts (hosting.hosts). A draft exists
only for its hosts: everyone else gets NotFound, never PermissionDenied.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    Select,
    bindparam,
    select,
)
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, MembersOnly, NotFound, PermissionDenied
from meetup.models import (
    Community,
    Event,
    EventStatus,
    User,
)
from meetup.services.privacy import may_see_members_event


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
    :raise MembersOnly: a community's members-only event, and `viewer`
        neither hosts it nor is a member (the page says which community).
    """
    if loader_options:
        query = select(Event).where(Event.slug == bindparam("slug")).options(*loader_options)
    elif viewer is None:
        query = _event_query()
    else:
        query = _event_with_hosts_query()
    event = db.session.scalar(query, {"slug": slug})
    viewer_is_host = event is not None and is_host(viewer, event)
    if event is None or not is_visible(event, viewer_is_host=viewer_is_host):
        raise NotFound("There is no such event.")
    if not may_see_members_event(viewer, event, viewer_is_host=viewer_is_host):
        raise members_only_refusal(event)
    return event


def members_only_refusal(event: Event) -> MembersOnly | NotFound:
    """The refusal of a members-only event: its community named (an event
    left members-only outside any community is private to its hosts)."""
    link = event.community_link
    if link is None:
        return NotFound("There is no such event.")
    community = db.session.get(Community, link.community_id)
    if community is None:
        return NotFound("There is no such event.")
    return MembersOnly(community_slug=community.slug, community_name=community.name)


def find_hosted_event(viewer: User | None, slug: str, *loader_options: Any) -> Event:
    """Return the event for its hosts' tools.

    :raise NotFound: as find_event. :raise PermissionDenied: `viewer` does not host it.
    """
    event = find_event(viewer, slug, *loader_options)
    require_host(viewer, event)
    return event


def can_view_event(viewer: User | None, event: Event) -> bool:
    """Published and cancelled events are open to anyone with the link;
    drafts to hosts; a community's members-only event to its hosts and the
    community's members (services.privacy.may_see_members_event)."""
    viewer_is_host = is_host(viewer, event)
    return is_visible(event, viewer_is_host=viewer_is_host) and may_see_members_event(
        viewer, event, viewer_is_host=viewer_is_host
    )


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


def is_editable(event: Event) -> bool:
    """May its hosts still change the event and its questions? Not once cancelled."""
    return event.status != EventStatus.CANCELLED


def require_editable(event: Event) -> None:
    """:raise InvalidInput: `event` is cancelled (is_editable)."""
    if not is_editable(event):
        raise InvalidInput("A cancelled event cannot be edited.")
