"""A community's events: publishing an event in a community, moving a
host's own event into one or out of it.

An event belongs to one community at most (a CommunityEvent row). Its
admins host it: putting an event in a community makes each of them a
co-host. Only an admin of a community puts an event in it (and only an open
one), and only an admin of its community takes it out; then the admins who
came with the community stop hosting it (those who hosted it before stay,
as do the creator and the admin who moved it). A members-only event needs
its community (event_details refuses the choice without one).

The event form calls `create_event` and `update_event` here (and the copy
page `copy_event`), which run hosting.lifecycle's and place the event: one
call per form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityEvent,
    CommunityStatus,
    Event,
    EventVisibility,
    HostRole,
    User,
)
from meetup.models.types import utcnow
from meetup.services.communities.admins import add_cohost
from meetup.services.communities.lookup import CLOSED, is_admin
from meetup.services.events.event_details import EventDetails
from meetup.services.hosting import lifecycle
from meetup.services.hosting.hosts import leave_hosts

NOT_YOURS = "Choose a community you are an admin of."


@dataclass(frozen=True)
class CommunityChoice:
    slug: str
    name: str


def community_choices(actor: User, event: Event | None = None) -> list[CommunityChoice]:
    """The communities `actor` may publish in (open ones they administer),
    by name, and the event's own community if it has one (so that an edit
    by a co-host who is not its admin keeps it there)."""
    rows = db.session.execute(
        select(Community.slug, Community.name)
        .join(CommunityAdmin, CommunityAdmin.community_id == Community.id)
        .where(CommunityAdmin.user_id == actor.id, Community.status == CommunityStatus.OPEN)
        .order_by(Community.name, Community.id)
    ).all()
    choices = [CommunityChoice(slug, name) for slug, name in rows]
    current = current_community(event) if event is not None else None
    if current is not None and all(choice.slug != current.slug for choice in choices):
        choices.insert(0, CommunityChoice(current.slug, current.name))
    return choices


def current_community(event: Event) -> Community | None:
    """The community `event` belongs to, if any."""
    link = event.community_link
    return link.community if link is not None else None


def create_event(
    actor: User, details: EventDetails, *, now: datetime | None = None
) -> lifecycle.SaveResult:
    """Create a draft (hosting.lifecycle.create_event) in the community
    `details.community` names (its slug; "" for none).

    :raise InvalidInput: a field breaks its rules; the community is not the
        actor's to publish in, or closed (field "community").
    """
    now = now or utcnow()
    community = _target(actor, details.community)
    result = lifecycle.create_event(actor, details, now=now)
    if community is not None:
        put_in_community(result.event, community, now=now)
    return result


def update_event(
    actor: User, event: Event, details: EventDetails, *, now: datetime | None = None
) -> lifecycle.SaveResult:
    """Change an event (hosting.lifecycle.update_event) and move it into
    the community `details.community` names, or out of its own ("").

    :raise PermissionDenied: `actor` is not a host.
    :raise InvalidInput: a field breaks its rules; moving it in or out is
        not the actor's to do (field "community").
    """
    now = now or utcnow()
    current = current_community(event)
    wanted = details.community or ""
    moves = wanted != (current.slug if current is not None else "")
    target = None
    if moves:
        if current is not None and not is_admin(actor, current):
            raise InvalidInput(
                f"Only an admin of “{current.name}” can take the event out of it.",
                field="community",
            )
        target = _target(actor, wanted)
    result = lifecycle.update_event(actor, event, details, now=now)
    if moves:
        if current is not None:
            take_out_of_community(actor, event)
        if target is not None:
            put_in_community(event, target, now=now)
    return result


def copy_event(actor: User, event: Event, *, weeks: int, now: datetime | None = None) -> Event:
    """The next edition (hosting.lifecycle.copy_event), in the same
    community when `actor` may still publish there; otherwise it is the
    actor's own, and a members-only original's copy is unlisted (there are
    no members to keep it for).

    :raise PermissionDenied: not a host. :raise InvalidInput: bad number of weeks.
    """
    now = now or utcnow()
    copy = lifecycle.copy_event(actor, event, weeks=weeks, now=now)
    community = current_community(event)
    if community is not None and community.is_open and is_admin(actor, community):
        put_in_community(copy, community, now=now)
    elif copy.visibility == EventVisibility.MEMBERS:
        copy.visibility = EventVisibility.UNLISTED
        db.session.flush()
    return copy


def _target(actor: User, slug: str) -> Community | None:
    """The community an event is to go into ("": none).

    :raise InvalidInput: not an open community `actor` administers.
    """
    if not slug:
        return None
    community = db.session.scalar(select(Community).where(Community.slug == slug))
    if community is None or not is_admin(actor, community):
        raise InvalidInput(NOT_YOURS, field="community")
    if not community.is_open:
        raise InvalidInput(CLOSED, field="community")
    return community


def put_in_community(event: Event, community: Community, *, now: datetime | None = None) -> None:
    """`event` belongs to `community` from now on, and each admin co-hosts it."""
    now = now or utcnow()
    db.session.add(CommunityEvent(event_id=event.id, community_id=community.id, added_at=now))
    for admin in community.admins:
        add_cohost(event, admin.user, now=now)
    db.session.flush()
    db.session.refresh(event, ["community_link"])


def take_out_of_community(actor: User, event: Event) -> None:
    """`event` leaves its community: the admins who became its hosts with it
    (since it joined) stop hosting it, but for `actor` and the creator."""
    link = event.community_link
    if link is None:
        return
    admin_ids = {admin.user_id for admin in link.community.admins}
    came_with_it = [
        host.user_id
        for host in event.hosts
        if host.user_id in admin_ids
        and host.added_at >= link.added_at
        and host.user_id != actor.id
        and host.role != HostRole.CREATOR
    ]
    for user_id in came_with_it:
        leave_hosts(event, user_id)
    db.session.delete(link)
    db.session.flush()
    db.session.expire(event, ["community_link"])
