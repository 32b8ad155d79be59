"""Followers hear of a series' new occurrences, without replying ahead, and
stop following with one click.

The job, not the horizon's fill: each occurrence is made with an empty
`announced_at`, and `announce_occurrences` (the periodic job, run after the
horizon job) queues its followers' messages in batches of BATCH_SIZE people,
each batch one transaction the caller commits, then sets `announced_at`.
Idempotent and safe when two run at once as the community announcements
are: a message's dedupe key names the event and the person, and it is the
community announcement's own key, so a member who chose "each event" and
follows the series gets one message for that date, whichever job came first.

Who gets it: followers with a confirmed address, not deleted, not hosting
the occurrence, and, for a members-only occurrence, members of its
community (privacy's members_event_condition, the one rule of who sees it).
Nobody hears of an unlisted occurrence. Every message carries its one-click
unsubscribe (RFC 8058): its POST ends that person's following of that series.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, select

from meetup.extensions import db
from meetup.lib.unsubscribe import LIFETIME, list_unsubscribe_headers, read_link, signed_links
from meetup.lib.urls import external_url
from meetup.models import (
    Event,
    EventHost,
    EventStatus,
    Series,
    SeriesFollower,
    SeriesOccurrence,
    User,
)
from meetup.models.types import utcnow
from meetup.outbox import Mail
from meetup.services.communities.announcements import (
    ANNOUNCED_VISIBILITIES,
    EventPart,
    Recipient,
    Step,
    announce_in_batches,
    announcement_key,
    each_due,
)
from meetup.services.privacy import members_event_condition

BATCH_SIZE = 1000  # followers per transaction
PURPOSE = "unsubscribe-series"
ENDPOINT = "profiles.unsubscribe_series"


def announce_occurrences(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[Step]:
    """Queue the announcement of every upcoming published occurrence whose
    followers were not told yet, a batch at a time. The caller commits after
    each step it is given (and rolls back if it stops)."""
    now = now or utcnow()
    for occurrence in each_due(
        SeriesOccurrence, _announceable(now), order_by=SeriesOccurrence.recurrence_at
    ):
        yield from _announce(occurrence, now=now, batch_size=batch_size)


def _announceable(now: datetime) -> ColumnElement[bool]:
    return (
        SeriesOccurrence.announced_at.is_(None)
        & (Event.status == EventStatus.PUBLISHED)
        & Event.visibility.in_(ANNOUNCED_VISIBILITIES)
        & (Event.starts_at > now)
    )


def _announce(occurrence: SeriesOccurrence, *, now: datetime, batch_size: int) -> Iterator[Step]:
    event, series = occurrence.event, occurrence.series
    about = EventPart.of(event)
    shared = {"series_title": series.title, "series_url": series_url(series.slug)}
    unsubscribe_url = unsubscribe_links(series.id)
    subject = f"{series.title}: a new date"
    yield from announce_in_batches(
        SeriesOccurrence,
        event,
        followers_to_mail(series.id, event.id, batch_size=batch_size),
        lambda person: _mail(
            person,
            subject=subject,
            dedupe_key=announcement_key(event.id, person.id),
            context=shared | about.context | {"when": about.when_for(person)},
            unsubscribe_url=unsubscribe_url(person.id),
        ),
        now=now,
    )


def followers_to_mail(
    series_id: int, event_id: int, *, batch_size: int = BATCH_SIZE
) -> Iterator[list[Recipient]]:
    """The series' followers who may hear of occurrence `event_id`, in
    batches by id (keyset: each batch one indexed query)."""
    after = 0
    while True:
        rows = db.session.execute(
            select(User.id, User.email, User.display_name, User.timezone)
            .join(SeriesFollower, SeriesFollower.user_id == User.id)
            .join(Event, Event.id == event_id)
            .where(
                SeriesFollower.series_id == series_id,
                User.email_verified_at.is_not(None),
                User.deleted_at.is_(None),
                ~exists().where(EventHost.event_id == Event.id, EventHost.user_id == User.id),
                members_event_condition(User.id),
                User.id > after,
            )
            .order_by(User.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        yield [Recipient(row.id, row.email, row.display_name, row.timezone) for row in rows]
        if len(rows) < batch_size:
            return
        after = rows[-1].id


def _mail(
    person: Recipient,
    *,
    subject: str,
    dedupe_key: str,
    context: dict[str, Any],
    unsubscribe_url: str,
) -> Mail:
    return Mail(
        to=person.email,
        user_id=person.id,
        subject=subject,
        template="series_occurrence",
        dedupe_key=dedupe_key,
        context=context | {"name": person.display_name, "unsubscribe_url": unsubscribe_url},
        headers=list_unsubscribe_headers(unsubscribe_url),
    )


def series_url(slug: str) -> str:
    """A series' page, for mail."""
    return external_url("series.page", slug=slug)


# One-click unsubscribe: stop following


def unsubscribe_links(series_id: int) -> Callable[[int], str]:
    """The signed one-click link of each follower of one series (one signer
    for a job's many recipients)."""
    link = signed_links(PURPOSE, ENDPOINT)
    return lambda person_id: link({"user": person_id, "series": series_id})


@dataclass(frozen=True)
class SeriesUnsubscribe:
    """What a link turned out to be: the series and whether the person still
    follows it, or why it does not work."""

    series: Series | None
    person_id: int | None = None
    is_following: bool = False
    problem: str = ""


def read_unsubscribe_link(token: str) -> SeriesUnsubscribe:
    """The series and the person an unsubscribe link names (a forged or
    expired link, a deleted account or series: no series, and the reason)."""
    payload, problem = read_link(PURPOSE, token, lifetime=LIFETIME)
    if problem:
        return SeriesUnsubscribe(None, problem=problem)
    person_id, series_id = payload.get("user"), payload.get("series")
    if not _is_row_id(person_id) or not _is_row_id(series_id):
        return SeriesUnsubscribe(None, problem="This link is not valid.")
    person = db.session.get(User, person_id)
    if person is None or person.deleted_at is not None:
        return SeriesUnsubscribe(None, problem="This link is for an account that no longer exists.")
    series = db.session.get(Series, series_id)
    if series is None:
        return SeriesUnsubscribe(None, problem="This series no longer exists.")
    following = db.session.get(SeriesFollower, (series_id, person_id))
    return SeriesUnsubscribe(series, person_id, is_following=following is not None)


def _is_row_id(value: object) -> bool:
    # A signed payload is ours, but a number past the database's integers
    # would be a driver's OverflowError (a 500), not a refusal.
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def unsubscribe(token: str) -> SeriesUnsubscribe:
    """Stop the following of the person the link names, of its series
    (again, or after they stopped: no change)."""
    link = read_unsubscribe_link(token)
    if link.series is None or not link.is_following:
        return link
    db.session.execute(
        delete(SeriesFollower).where(
            SeriesFollower.series_id == link.series.id, SeriesFollower.user_id == link.person_id
        )
    )
    return SeriesUnsubscribe(link.series, link.person_id, is_following=False)
