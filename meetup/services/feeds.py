"""Which events each calendar feed holds, for whom.

Personal feeds live at a secret URL (User.feed_token): the events the person
is going to, waitlisted for (tentative) or hosting. Public feeds: upcoming
public events, per topic, per host. Every feed keeps a few weeks of past
events and keeps cancelled ones, marked so. Drafts, and unlisted events the
reader has no part in, never appear.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.models import (
    Event,
    EventHost,
    EventStatus,
    EventTopic,
    EventVisibility,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.services.errors import NotFound
from meetup.services.ical import CalendarEntry, entry_for
from meetup.services.text import normalize_tag

PAST_WINDOW = timedelta(weeks=4)
PUBLIC_FEED_LIMIT = 500  # the soonest; a calendar needs no more at once


@dataclass(frozen=True)
class Feed:
    name: str
    entries: list[CalendarEntry]
    is_personal: bool


def feed_token(user: User) -> str:
    """The person's feed token, made on first use."""
    if user.feed_token is None:
        user.feed_token = secrets.token_urlsafe(32)
        db.session.flush()
    return user.feed_token


def regenerate_feed_token(user: User) -> str:
    """A new secret URL; the old one stops working at once."""
    user.feed_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.feed_token


def personal_feed(token: str, *, now: datetime) -> Feed:
    """:raise NotFound: no account has this token (a wrong or revoked one)."""
    person = (
        db.session.scalar(select(User).where(User.feed_token == token, User.deleted_at.is_(None)))
        if token
        else None
    )
    if person is None:
        raise NotFound("There is no such calendar.")
    replies = dict(
        db.session.execute(
            select(Rsvp.event_id, Rsvp.status).where(
                Rsvp.user_id == person.id,
                Rsvp.status.in_([RsvpStatus.GOING, RsvpStatus.WAITLISTED]),
            )
        ).all()
    )
    hosted = set(
        db.session.scalars(select(EventHost.event_id).where(EventHost.user_id == person.id))
    )
    events = db.session.scalars(
        _window(now).where(Event.id.in_(set(replies) | hosted)).options(selectinload(Event.topics))
    )
    entries = [
        entry_for(event, rsvp_status=replies.get(event.id), is_host=event.id in hosted)
        for event in events
    ]
    return Feed(f"Meetup: {person.display_name}", entries, is_personal=True)


def public_feed(*, now: datetime, topic: str = "", host_id: int | None = None) -> Feed:
    """Public events: all of them, one topic's, or one host's.

    :raise NotFound: no such host.
    """
    query = _window(now).where(Event.visibility == EventVisibility.PUBLIC)
    name = "Meetup: upcoming events"
    if topic:
        tag = normalize_tag(topic)
        query = query.where(Event.topics.any(EventTopic.name == tag))
        name = f"Meetup: {tag}"
    if host_id is not None:
        host = db.session.get(User, host_id)
        if host is None or host.deleted_at is not None:
            raise NotFound("There is no such person.")
        query = query.where(Event.hosts.any(EventHost.user_id == host_id))
        name = f"Meetup: events hosted by {host.display_name}"
    events = db.session.scalars(query.options(selectinload(Event.topics)).limit(PUBLIC_FEED_LIMIT))
    entries = [CalendarEntry(event, shows_online_link=False) for event in events]
    return Feed(name, entries, is_personal=False)


def _window(now: datetime):
    """Published or cancelled events, from a few weeks ago on, soonest first."""
    return (
        select(Event)
        .where(
            or_(Event.status == EventStatus.PUBLISHED, Event.status == EventStatus.CANCELLED),
            Event.ends_at >= now - PAST_WINDOW,
        )
        .order_by(Event.starts_at, Event.id)
    )
