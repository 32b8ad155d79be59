"""Suggestion builds: "people you should meet" at an event, scored and stored.

Scoring is done outside requests: `build_suggestions` (the command `flask
meetup build-suggestions`, periodic) scores an event's room with
scoring.score_room and stores each person's candidates, keyed by a version of
the room (who is going, and the fields scoring reads). A reply's transaction
never scores and a page never rebuilds: a stale build is read as it is
(lists.suggestions_for), and none yet shows nothing.

At build time the viewer is always a signed-in attendee, so the room holds,
as candidates, exactly the people such a viewer could be shown: going, listed
in the directory (directory.shown_condition), with a profile open to members
(privacy.opens_to_any_member). What depends on the viewer is applied on
every read (lists).

Past events attended together are not part of the version: they only add a
small bonus, checked again at every read (an attendance hidden since the
build is no reason at once), and show in the next build.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select

from meetup.database import insert_ignoring_conflicts
from meetup.extensions import db
from meetup.models import Event, EventStatus, SuggestionBuild, SuggestionList
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.suggestions import room, scoring
from meetup.transactions import begin_step

BUILD_WINDOW = timedelta(days=30)  # events that ended longer ago are not rebuilt
STORE_CHUNK = 1000  # lists per INSERT


def build_suggestions(event: Event, *, now: datetime | None = None) -> bool:
    """Score `event`'s room and store each person's candidates, unless the
    stored build is of the same room (same version).

    :return: whether it scored (False: the stored build was current).
    """
    now = now or utcnow()
    rows = room.going(event, among=None)
    interests, offers, seeks = room.fields(event, among=None)
    version = _version(rows, interests, offers, seeks)
    build = _locked_build(event)
    if build.version == version:
        return False
    past, past_shown = room.past_events(event, now=now)
    attendees = [
        scoring.Attendee(
            id=row.id,
            interests=interests.get(row.id, frozenset()),
            offers=offers.get(row.id, frozenset()),
            seeks=seeks.get(row.id, frozenset()),
            company=scoring.company_key(row.company),
            past_events=past.get(row.id, ()),
            past_events_shown=past_shown.get(row.id, ()),
            is_candidate=row.shown and privacy.opens_to_any_member(row),
        )
        for row in rows
    ]
    db.session.execute(delete(SuggestionList).where(SuggestionList.event_id == event.id))
    # Stored as scored, a chunk at a time: a 100,000-person room's lists
    # never sit in memory all at once.
    chunk: list[dict[str, Any]] = []
    for person_id, matches in scoring.score_room(attendees):
        if matches:
            chunk.append(
                {"event_id": event.id, "user_id": person_id, "candidates": _stored(matches)}
            )
        if len(chunk) >= STORE_CHUNK:
            db.session.execute(insert(SuggestionList), chunk)
            chunk = []
    if chunk:
        db.session.execute(insert(SuggestionList), chunk)
    build.version, build.people, build.built_at = version, len(rows), now
    db.session.flush()
    return True


def _locked_build(event: Event) -> SuggestionBuild:
    """The event's build row, made if missing and locked, as committed: two
    builds of one event (two cron hosts) take turns (PostgreSQL; SQLite
    writes one at a time anyway)."""
    db.session.execute(
        insert_ignoring_conflicts(db.session, SuggestionBuild.__table__, unique=["event_id"]),
        [{"event_id": event.id, "version": "", "people": 0, "built_at": utcnow()}],
    )
    return db.session.scalars(
        select(SuggestionBuild)
        .where(SuggestionBuild.event_id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _stored(matches: Iterable[scoring.Match]) -> list[Any]:
    return [
        [
            match.candidate_id,
            round(match.score, 4),
            [[term.kind, term.subject, round(term.value, 4)] for term in match.terms],
        ]
        for match in matches
    ]


def _version(
    rows: Sequence[room.Row],
    interests: dict[int, frozenset[str]],
    offers: dict[int, frozenset[str]],
    seeks: dict[int, frozenset[str]],
) -> str:
    """A hash of the room: who is going, and every field scoring reads."""
    digest = hashlib.sha256()
    for row in sorted(rows, key=lambda row: row.id):
        digest.update(
            json.dumps(
                [
                    row.id,
                    row.shown,
                    str(row.profile_visibility),
                    scoring.company_key(row.company),
                    sorted(interests.get(row.id, ())),
                    sorted(offers.get(row.id, ())),
                    sorted(seeks.get(row.id, ())),
                ]
            ).encode()
        )
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildReport:
    events: int  # looked at
    built: int  # scored again (their room changed)
    people: int  # in the rooms scored


def events_due(*, now: datetime) -> list[Event]:
    """Published events upcoming, on, or ended less than BUILD_WINDOW ago."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now - BUILD_WINDOW)
            .order_by(Event.starts_at, Event.id)
        )
    )


def build_due(
    *, now: datetime | None = None, after_each: Callable[[Event, bool], None] | None = None
) -> BuildReport:
    """build_suggestions for every event due. `after_each(event, built)` runs
    after each one (the command commits there: one event, one transaction,
    short, as SQLite's writers wait for it)."""
    now = now or utcnow()
    begin_step(db.session)
    due = events_due(now=now)
    built = people = 0
    for event in due:
        # A build reads the room, then writes: on SQLite it holds the write
        # lock from its first read (a profile saved meanwhile waits for it).
        begin_step(db.session)
        changed = build_suggestions(event, now=now)
        if changed:
            built += 1
            people += db.session.get(SuggestionBuild, event.id).people  # type: ignore[union-attr]
        if after_each is not None:
            after_each(event, changed)
    return BuildReport(events=len(due), built=built, people=people)
