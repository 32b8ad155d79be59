"""A community's public calendar feed: its public events, upcoming and of
the last few weeks (cancelled ones marked so), as every public feed holds
them (services.calendar.feeds). Members-only and unlisted events are never
in it: a feed is read by anyone with its address, and by calendar servers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from meetup.models import CommunityEvent, Event
from meetup.services.calendar.feeds import Feed, public_feed_of
from meetup.services.communities.lookup import find_community


def community_feed(slug: str, *, now: datetime) -> Feed:
    """The feed of the community with this slug (a closed one keeps its
    past events in it), with its ETag.

    :raise NotFound: no such community.
    """
    community = find_community(None, slug)  # the feed is public: no viewer of its own
    in_community = Event.id.in_(
        select(CommunityEvent.event_id).where(CommunityEvent.community_id == community.id)
    )
    return public_feed_of(f"Meetup: {community.name}", in_community, now=now)
