"""Suggestion lists as a viewer reads them: the stored build (builds), with
everything that depends on the viewer applied on every read, so it is
honoured at once: blocks either way, connections, requests either way that
still stand for the viewer (request_states.standing_for_asker_condition:
waiting as the asker sees it, or accepted; standing_request_condition for the
addressee: also ignored within 90 days, which its asker never sees), whether
the event's directory shows the person to the viewer as an ordinary attendee
(privacy.list_shows as to an ordinary attendee: a hosts-only directory suggests nobody),
whether the viewer may see their profile, and whether each stored term is
still true of both people's current fields (a term no longer true goes; a
candidate left with none goes too). A deleted person is no longer going, so
never read; their own lists go with their account (My data), and so do their
entries in others' lists. At a community's event, the reasons start with the
earlier event of the community both attended, read fresh too (met_before).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import or_, select

from meetup.database import both_in
from meetup.extensions import db
from meetup.models import (
    Connection,
    ConnectionRequest,
    Event,
    EventStatus,
    SuggestionList,
    User,
)
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.connections.request_states import (
    standing_for_asker_condition,
    standing_request_condition,
)
from meetup.services.suggestions import met_before, room, scoring

DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    display_name: str
    headline: str
    reasons: list[str]


def suggestions_for(
    viewer: User, event: Event, *, limit: int = DEFAULT_LIMIT, now: datetime | None = None
) -> list[Suggestion]:
    """The people of `event` `viewer` should meet, best first, with reasons,
    as the last build scored them and as `viewer` may see them now."""
    return suggestions_for_many(event, [viewer.id], limit=limit, now=now)[viewer.id]


def suggestions_for_many(
    event: Event,
    viewer_ids: Sequence[int],
    *,
    limit: int = DEFAULT_LIMIT,
    now: datetime | None = None,
) -> dict[int, list[Suggestion]]:
    """suggestions_for each of `viewer_ids`, every one of them a key (an
    empty list for someone not going, or with nobody to meet), in a constant
    number of queries whatever their number."""
    now = now or utcnow()
    found: dict[int, list[Suggestion]] = {viewer_id: [] for viewer_id in viewer_ids}
    if event.status != EventStatus.PUBLISHED or not viewer_ids:
        return found
    lists = _stored_lists(event, viewer_ids)
    if not lists:
        return found
    ids = sorted(set(lists) | {entry[0] for stored in lists.values() for entry in stored})
    among = None if len(ids) > room.LISTED_IDS else ids
    people = {row.id: row for row in room.going(event, among=among)}
    interests, offers, seeks = room.fields(event, among=among)
    between = _Between.load(event, among, now=now)
    named_events = {
        int(term[1])
        for stored in lists.values()
        for entry in stored
        for term in entry[2]
        if term[0] == scoring.PAST_EVENT
    }
    past, past_shown = (
        room.past_events(event, now=now, among=among, only=named_events)
        if named_events
        else ({}, {})
    )
    titles, members_only = room.titles(named_events)
    # "You both went to ..." names a members-only event only to its members.
    hidden = privacy.hidden_members_events(set(lists), members_only)

    attendees: dict[int, scoring.Attendee] = {}

    def attendee(person_id: int) -> scoring.Attendee:
        if person_id not in attendees:
            attendees[person_id] = scoring.Attendee(
                id=person_id,
                interests=interests.get(person_id, frozenset()),
                offers=offers.get(person_id, frozenset()),
                seeks=seeks.get(person_id, frozenset()),
                company=scoring.company_key(people[person_id].company),
                past_events=past.get(person_id, ()),
                past_events_shown=past_shown.get(person_id, ()),
            )
        return attendees[person_id]

    def terms_now(
        viewer_id: int, candidate_id: int, raw_terms: list[Any]
    ) -> tuple[scoring.Term, ...]:
        person = people.get(candidate_id)
        if person is None or not _may_suggest(viewer_id, person, event, between):
            return ()
        terms = (scoring.Term(*term) for term in raw_terms)
        return scoring.still_true(terms, attendee(viewer_id), attendee(candidate_id))

    chosen = {
        viewer_id: _best(stored, partial(terms_now, viewer_id), limit=limit)
        for viewer_id, stored in lists.items()
        if viewer_id in people  # else no longer going
    }
    met = met_before.earlier_together(
        event, [(v, c) for v, best in chosen.items() for c, _ in best], now=now
    )
    for viewer_id, best in chosen.items():
        found[viewer_id] = [
            Suggestion(
                user_id=candidate_id,
                display_name=people[candidate_id].display_name,
                headline=people[candidate_id].headline,
                reasons=_reasons(
                    terms,
                    people[candidate_id],
                    _without(titles, hidden.get(viewer_id)),
                    met.get((viewer_id, candidate_id)),
                ),
            )
            for candidate_id, terms in best
        ]
    return found


def _reasons(
    terms: tuple[scoring.Term, ...], person: room.Row, titles: dict[int, str], met: str | None
) -> list[str]:
    """The terms in words; an earlier event of the community both attended
    (`met`: its title) is said first, and stands for any past event the
    terms name (one "you both went" is enough)."""
    if met is not None:
        terms = tuple(term for term in terms if term.kind != scoring.PAST_EVENT)
    said = scoring.reasons(terms, name=person.display_name, company=person.company,
                           event_titles=titles)  # fmt: skip
    return [met_before.reason(met), *said][: scoring.MAX_REASONS] if met else said


def _best(
    stored: list[Any],
    terms_now: Callable[[int, list[Any]], tuple[scoring.Term, ...]],
    *,
    limit: int,
) -> list[tuple[int, tuple[scoring.Term, ...]]]:
    """The `limit` best of a stored list, scored by the terms still true
    (`terms_now`: none when the candidate may not be suggested), ties by id.
    A score only falls when terms go, and the list is stored best first: once
    `limit` are kept that no later entry could beat, the rest is not read."""
    kept: list[tuple[float, int, tuple[scoring.Term, ...]]] = []
    for candidate_id, _, raw_terms in stored:
        if len(kept) >= limit:
            kept.sort(key=lambda item: (-item[0], item[1]))
            last_score, last_id, _ = kept[limit - 1]
            best_possible = sum(term[2] for term in raw_terms)
            if (-last_score, last_id) < (-best_possible, candidate_id):
                break
        terms = terms_now(candidate_id, raw_terms)
        if terms:
            kept.append((sum(term.value for term in terms), candidate_id, terms))
    kept.sort(key=lambda item: (-item[0], item[1]))
    return [(candidate_id, terms) for _, candidate_id, terms in kept[:limit]]


def _stored_lists(event: Event, viewer_ids: Sequence[int]) -> dict[int, list[Any]]:
    query = select(SuggestionList.user_id, SuggestionList.candidates).where(
        SuggestionList.event_id == event.id
    )
    if len(viewer_ids) <= room.LISTED_IDS:
        query = query.where(SuggestionList.user_id.in_(list(viewer_ids)))
    wanted = set(viewer_ids)
    return {
        user_id: candidates
        for user_id, candidates in db.session.execute(query)
        if user_id in wanted
    }


@dataclass(frozen=True)
class _Between:
    """What stands between the people a read names: blocks either way,
    connections, requests either way that still stand. Three queries."""

    blocked: dict[int, frozenset[int]]
    pairs: frozenset[tuple[int, int]]  # connected, lower id first
    # (viewer, person): a request between them stands for the viewer. Not
    # both ways: an ignore stands for the ignorer, never for the asker.
    asked: frozenset[tuple[int, int]]

    @classmethod
    def load(cls, event: Event, among: Sequence[int] | None, *, now: datetime) -> _Between:
        people = room.people_among(event, among)
        pairs = {
            (first, second)
            for first, second in db.session.execute(
                select(Connection.first_id, Connection.second_id).where(
                    both_in(Connection.first_id, Connection.second_id, people)
                )
            )
        }
        asked = set()
        for requester, addressee, for_asker, for_addressee in db.session.execute(
            select(
                ConnectionRequest.requester_id,
                ConnectionRequest.addressee_id,
                standing_for_asker_condition(now=now),
                standing_request_condition(now=now),
            ).where(
                both_in(ConnectionRequest.requester_id, ConnectionRequest.addressee_id, people),
                or_(standing_for_asker_condition(now=now), standing_request_condition(now=now)),
            )
        ):
            if for_asker:
                asked.add((requester, addressee))
            if for_addressee:
                asked.add((addressee, requester))
        return cls(privacy.blocks_among(people), frozenset(pairs), frozenset(asked))

    def blocked_ids(self, person_id: int) -> frozenset[int]:
        return self.blocked.get(person_id, frozenset())

    def are_linked(self, viewer: int, person: int) -> bool:
        pair = (min(viewer, person), max(viewer, person))
        return pair in self.pairs or (viewer, person) in self.asked


def _may_suggest(viewer_id: int, person: room.Row, event: Event, between: _Between) -> bool:
    """May the viewer be suggested `person` (going, per the read's rows)?"""
    if person.id == viewer_id or between.are_linked(viewer_id, person.id):
        return False
    blocked = between.blocked_ids(viewer_id)
    if person.id in blocked:
        return False
    # As an ordinary attendee: a host is suggested only whom their list shows anyone going.
    if not privacy.list_shows(
        event, person_shown=person.shown, viewer_is_host=False, viewer_is_going=True
    ):
        return False
    return privacy.sees_profile(viewer_id, person, blocked=blocked)


def _without(titles: dict[int, str], hidden: set[int] | None) -> dict[int, str]:
    if not hidden:
        return titles
    return {event_id: title for event_id, title in titles.items() if event_id not in hidden}
