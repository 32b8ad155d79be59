"""Which events each calendar feed holds, for whom.

Personal feeds live at a secret URL (User.feed_token): the events the person
is going to, waitlisted for (tentative) or hosting. Public feeds: upcoming
public events, per topic, per host. Every feed keeps a few weeks of past
events and keeps cancelled ones, marked so. Drafts, and unlisted events the
reader has no part in, never appear.

A Feed knows its ETag from one light query (columns, no objects); the events
themselves are loaded only when the calendar must be built, so a client
whose copy is current costs little.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.text import normalize_tag
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
from meetup.services.calendar.ical import CalendarEntry, entry_for, feed_etag
from meetup.services.errors import InvalidInput, NotFound
from meetup.services.events.event_listing import find_host

PAST_WINDOW = timedelta(weeks=4)
PUBLIC_FEED_LIMIT = 500  # the soonest; a calendar needs no more at once


@dataclass(frozen=True)
class Feed:
    name: str
    is_personal: bool
    etag: str
    # event id -> (reply status, is host): how the reader sees each event
    readers_view: dict[int, tuple[RsvpStatus | None, bool]]
    alarm_minutes: int | None = None

    def entries(self) -> list[CalendarEntry]:
        """The events, loaded now, soonest first."""
        events = db.session.scalars(
            select(Event)
            .where(Event.id.in_(self.readers_view))
            .options(selectinload(Event.topics))
            .order_by(Event.starts_at, Event.id)
        )
        return [
            entry_for(event, rsvp_status=self.readers_view[event.id][0],
                      is_host=self.readers_view[event.id][1], alarm_minutes=self.alarm_minutes)
            for event in events
        ]  # fmt: skip


ALARM_CHOICES = (15, 60, 24 * 60)  # minutes before an event


def set_alarm(user: User, minutes: int | None) -> None:
    """The person's reminder in calendar files and invitations (None: off).

    :raise InvalidInput: not one of ALARM_CHOICES.
    """
    if minutes is not None and minutes not in ALARM_CHOICES:
        raise InvalidInput("Choose one of the options.", field="alarm_minutes")
    user.calendar_alarm_minutes = minutes
    db.session.flush()


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
    query = _window(now).where(Event.id.in_(set(replies) | hosted))
    views = {event_id: (replies.get(event_id), event_id in hosted) for event_id in replies}
    views |= {event_id: (replies.get(event_id), True) for event_id in hosted}
    return _feed(
        f"Meetup: {person.display_name}",
        query,
        views,
        is_personal=True,
        alarm_minutes=person.calendar_alarm_minutes,
    )


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
        host = find_host(None, host_id)  # the feed is public: no viewer of its own
        query = query.where(Event.hosts.any(EventHost.user_id == host_id))
        name = f"Meetup: events hosted by {host.display_name}"
    return _feed(name, query.limit(PUBLIC_FEED_LIMIT), {}, is_personal=False)


def _feed(
    name: str,
    query: Select[Any],
    views: dict[int, tuple[RsvpStatus | None, bool]],
    *,
    is_personal: bool,
    alarm_minutes: int | None = None,
) -> Feed:
    rows = db.session.execute(query).all()
    shown = {row.id: views.get(row.id, (None, False)) for row in rows}
    etag = feed_etag(
        f"{name}|{alarm_minutes}",
        ((row.id, row.sequence, row.updated_at.isoformat(), row.status, *shown[row.id])
         for row in rows),
    )  # fmt: skip
    return Feed(name, is_personal, etag, shown, alarm_minutes)


def _window(now: datetime) -> Select[Any]:
    """Published or cancelled events from a few weeks ago on, soonest first:
    only the columns the ETag needs."""
    return (
        select(Event.id, Event.sequence, Event.updated_at, Event.status)
        .where(
            or_(Event.status == EventStatus.PUBLISHED, Event.status == EventStatus.CANCELLED),
            Event.ends_at >= now - PAST_WINDOW,
        )
        .order_by(Event.starts_at, Event.id)
    )
