"""Who should meet whom in one room: pure scoring over plain data, no database.

A room is the people going to one event, each an `Attendee` carrying only the
fields the viewer may see (the caller builds it: a person whose profile is out
of a signed-in attendee's reach, an "only me" or deleted account, is not a
candidate at all and contributes no field). For each person, `score_room`
yields their best candidates, each with its score and the terms that made it,
so the reasons can be said again, and checked again, later.

Weights (a pair's score is the sum of its terms):

- **A shared interest**: log(N / df), N the number of candidates in the room
  and df how many of them hold the interest. Rare interests say much; one
  that everybody holds scores 0 and is no reason.
- **A complementary goal**, GOAL_WEIGHT = 3.0 each way: the same goal offered
  by one and sought by the other (mentoring, advice, collaboration,
  investing), and "hiring" (offered or sought) by one with "a new job" sought
  by the other. Above interests: it is why people come to these events.
- **The same company** (names compared without case, punctuation or legal
  suffixes): COMPANY_WEIGHT = 0.5.
- **A past event attended together**: PAST_EVENT_WEIGHT = 0.5, once, for the
  latest such event where the candidate's attendance may be told
  (`past_events_shown`: privacy.attendance_shown, the profile's rule).

Candidates come from inverted indexes built once per room (interest →
people, offered and sought goal → people), never from all pairs. The
company and past events are no source: they only add to a pair found by
interests or goals (colleagues mostly know each other already, and a big
employer's people would crowd out the strangers an event is for). An interest
held by more than COMMON_SHARE of the room (and by more than COMMON_FLOOR
people) is no candidate source, but still scores. Each source gives at most
SOURCE_CAP people (a window of its members that starts at the person, so
big sources spread their people around the room); the PRESELECT best by
their source terms are then scored in full, and the TOP_K best kept.
Deterministic: ties go to the lower id.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from meetup.lib.text import in_words

GOAL_WEIGHT = 3.0
COMPANY_WEIGHT = 0.5
PAST_EVENT_WEIGHT = 0.5
COMMON_SHARE = 0.2
COMMON_FLOOR = 50
SOURCE_CAP = 50
PRESELECT = 20
TOP_K = 15

HIRING, NEW_JOB = "hiring", "new_job"
# Goals that complement themselves: one offers what the other seeks.
MATCHING_GOALS = ("mentoring", "advice", "collaboration", "investing")

# Term kinds, as stored. "they_offer": the candidate offers what the person
# seeks; "you_offer" the other way; "they_hire"/"you_hire" likewise for a job.
INTEREST, THEY_OFFER, YOU_OFFER, THEY_HIRE, YOU_HIRE, COMPANY, PAST_EVENT = (
    "interest", "they_offer", "you_offer", "they_hire", "you_hire", "company", "past_event",
)  # fmt: skip

_LEGAL_SUFFIXES = frozenset(
    {"inc", "ltd", "llc", "gmbh", "sa", "sas", "sarl", "bv", "ag", "plc", "co", "corp", "limited"}
)


@dataclass(frozen=True)
class Attendee:
    """One person of the room, with the fields the viewer may see.
    `past_events`: ids of other events they attended, latest first;
    `past_events_shown`: those whose attendance others who attended may be
    told of (None: all of them)."""

    id: int
    interests: frozenset[str] = frozenset()
    offers: frozenset[str] = frozenset()  # goal values ("mentoring"...)
    seeks: frozenset[str] = frozenset()
    company: str = ""  # as normalised by company_key
    past_events: tuple[int, ...] = ()
    past_events_shown: tuple[int, ...] | None = None
    # May others be suggested this person (their profile visible and shown)?
    is_candidate: bool = True

    @property
    def shown_past(self) -> tuple[int, ...]:
        return self.past_events if self.past_events_shown is None else self.past_events_shown

    @property
    def is_hiring(self) -> bool:
        return HIRING in self.offers or HIRING in self.seeks


class Term(NamedTuple):
    """One reason a pair scored: its kind, what it is about (an interest, a
    goal, a company key, an event id as text) and its weight. (Named tuples:
    a 10,000-person room makes a million of them, and they are made fast.)"""

    kind: str
    subject: str
    value: float


class Match(NamedTuple):
    candidate_id: int
    score: float
    terms: tuple[Term, ...]


def company_key(name: str) -> str:
    """A company's name for comparing: "ACME, Inc." and "Acme" are one."""
    words = re.sub(r"[^\w]+", " ", name.lower()).split()
    while words and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


@dataclass
class _Indexes:
    """The room's inverted indexes: each list sorted by id."""

    interests: dict[str, list[int]]
    offers: dict[str, list[int]]
    seeks: dict[str, list[int]]
    hiring: list[int]
    weights: dict[str, float]  # interest → its weight, log(N / df)
    sources: dict[str, bool]  # interest → is it a candidate source


def _index(candidates: Sequence[Attendee]) -> _Indexes:
    interests: dict[str, list[int]] = {}
    offers: dict[str, list[int]] = {}
    seeks: dict[str, list[int]] = {}
    hiring: list[int] = []
    for person in sorted(candidates, key=lambda p: p.id):
        for name in person.interests:
            interests.setdefault(name, []).append(person.id)
        for goal in person.offers:
            offers.setdefault(goal, []).append(person.id)
        for goal in person.seeks:
            seeks.setdefault(goal, []).append(person.id)
        if person.is_hiring:
            hiring.append(person.id)
    total = len(candidates)
    common = max(COMMON_SHARE * total, COMMON_FLOOR)
    return _Indexes(
        interests=interests,
        offers=offers,
        seeks=seeks,
        hiring=hiring,
        weights={name: math.log(total / len(ids)) for name, ids in interests.items()},
        sources={name: len(ids) <= common for name, ids in interests.items()},
    )


def _window(members: list[int], person_id: int) -> list[int] | Iterable[int]:
    """At most SOURCE_CAP members of a source, starting after `person_id`
    (wrapping round): each person sees a different slice of a big source."""
    if len(members) <= SOURCE_CAP:
        return members
    start = bisect_right(members, person_id)
    end = start + SOURCE_CAP
    if end <= len(members):
        return members[start:end]
    return members[start:] + members[: end - len(members)]


def _sources(person: Attendee, indexes: _Indexes) -> list[tuple[float, list[int]]]:
    """(weight, members) of each source `person` draws candidates from."""
    found: list[tuple[float, list[int]]] = []
    for name in sorted(person.interests):  # sets iterate in a per-process order
        members = indexes.interests.get(name)
        if members and indexes.sources[name] and indexes.weights[name] > 0:
            found.append((indexes.weights[name], members))
    for goal in MATCHING_GOALS:
        if goal in person.seeks and goal in indexes.offers:
            found.append((GOAL_WEIGHT, indexes.offers[goal]))
        if goal in person.offers and goal in indexes.seeks:
            found.append((GOAL_WEIGHT, indexes.seeks[goal]))
    if NEW_JOB in person.seeks and indexes.hiring:
        found.append((GOAL_WEIGHT, indexes.hiring))
    if person.is_hiring and NEW_JOB in indexes.seeks:
        found.append((GOAL_WEIGHT, indexes.seeks[NEW_JOB]))
    return found


def terms_between(
    person: Attendee, other: Attendee, interest_weights: Mapping[str, float]
) -> tuple[Term, ...]:
    """Every term of the pair, from `person`'s side, heaviest first (then by
    kind and subject, so the order is stable)."""
    terms: list[Term] = []
    for name in person.interests & other.interests:
        weight = interest_weights.get(name, 0.0)
        if weight > 0:
            terms.append(Term(INTEREST, name, weight))
    if (person.offers or person.seeks) and (other.offers or other.seeks):
        terms.extend(_goal_terms(person, other))
    if person.company and person.company == other.company:
        terms.append(Term(COMPANY, person.company, COMPANY_WEIGHT))
    if person.past_events and other.shown_past:
        theirs = set(other.shown_past)
        together = next((e for e in person.past_events if e in theirs), None)
        if together is not None:
            terms.append(Term(PAST_EVENT, str(together), PAST_EVENT_WEIGHT))
    if len(terms) > 1:
        terms.sort(key=lambda term: (-term.value, term.kind, term.subject))
    return tuple(terms)


def _goal_terms(person: Attendee, other: Attendee) -> Iterator[Term]:
    for goal in MATCHING_GOALS:
        if goal in person.seeks and goal in other.offers:
            yield Term(THEY_OFFER, goal, GOAL_WEIGHT)
        if goal in person.offers and goal in other.seeks:
            yield Term(YOU_OFFER, goal, GOAL_WEIGHT)
    if NEW_JOB in person.seeks and other.is_hiring:
        yield Term(THEY_HIRE, HIRING, GOAL_WEIGHT)
    if person.is_hiring and NEW_JOB in other.seeks:
        yield Term(YOU_HIRE, HIRING, GOAL_WEIGHT)


def score_room(
    room: Sequence[Attendee], *, top_k: int = TOP_K
) -> Iterator[tuple[int, list[Match]]]:
    """For each person of `room` (by id), their best `top_k` candidates,
    best first. A person is never their own candidate; someone who is not
    a candidate (`is_candidate` false) is suggested to nobody, but still
    gets suggestions."""
    candidates = [person for person in room if person.is_candidate]
    if not candidates:
        for person in sorted(room, key=lambda p: p.id):
            yield person.id, []
        return
    indexes = _index(candidates)
    by_id = {person.id: person for person in candidates}
    weights = indexes.weights
    for person in sorted(room, key=lambda p: p.id):
        # Negated, so that (score, id) tuples sort best first, ties by id.
        partial: dict[int, float] = {}
        get = partial.get
        for weight, members in _sources(person, indexes):
            for member in _window(members, person.id):
                partial[member] = get(member, 0.0) - weight
        partial.pop(person.id, None)
        matches = []
        ranked = zip(partial.values(), partial, strict=True)
        for _, candidate_id in heapq.nsmallest(PRESELECT, ranked):
            terms = terms_between(person, by_id[candidate_id], weights)
            if terms:
                matches.append(Match(candidate_id, sum([term[2] for term in terms]), terms))
        matches.sort(key=lambda match: (-match.score, match.candidate_id))
        yield person.id, matches[:top_k]


class _EveryInterestCounts(dict[str, float]):
    def get(self, key: str, default: float | None = None) -> float:  # type: ignore[override]
        return 1.0


def still_true(terms: Iterable[Term], person: Attendee, other: Attendee) -> tuple[Term, ...]:
    """The stored `terms` of a pair that their fields now still bear out
    (an interest removed, a goal dropped, a company changed: that term goes),
    with their stored weights."""
    holding = {(term.kind, term.subject) for term in terms_between(person, other, _EVERY)}
    together = {str(event) for event in set(person.past_events) & set(other.shown_past)}
    return tuple(
        term
        for term in terms
        if (term.kind, term.subject) in holding
        or (term.kind == PAST_EVENT and term.subject in together)
    )


_EVERY = _EveryInterestCounts()


# Reasons in words

_THEY_OFFER = {
    "mentoring": "{name} offers mentoring, which you're looking for",
    "advice": "{name} offers advice, which you're looking for",
    "collaboration": "{name} is open to collaborating, which you're looking for",
    "investing": "{name} invests, and you're looking for investment",
}
_YOU_OFFER = {
    "mentoring": "{name} is looking for mentoring, which you offer",
    "advice": "{name} is looking for advice, which you offer",
    "collaboration": "{name} is looking for collaborators, which you offer",
    "investing": "{name} is looking for investment, and you invest",
}
MAX_REASONS = 3
MAX_INTERESTS_SAID = 3


def reasons(
    terms: Sequence[Term],
    *,
    name: str,
    company: str = "",
    event_titles: Mapping[int, str] | None = None,
) -> list[str]:
    """The terms said in words, heaviest first: shared interests in one
    sentence. `name` is the candidate's, `company` their company as shown,
    `event_titles` the titles of the past events the terms name."""
    ordered = sorted(terms, key=lambda term: (-term.value, term.kind, term.subject))
    said: list[tuple[float, str]] = []
    interests = [term for term in ordered if term.kind == INTEREST][:MAX_INTERESTS_SAID]
    if interests:
        sentence = "You both work on " + in_words([term.subject for term in interests])
        said.append((interests[0].value, sentence))
    for term in ordered:
        sentence = _sentence(term, name=name, company=company, event_titles=event_titles or {})
        if sentence:
            said.append((term.value, sentence))
    said.sort(key=lambda item: -item[0])  # stable: ties keep the terms' order
    return [sentence for _, sentence in said[:MAX_REASONS]]


def _sentence(term: Term, *, name: str, company: str, event_titles: Mapping[int, str]) -> str:
    if term.kind == THEY_OFFER:
        return _THEY_OFFER.get(term.subject, "").format(name=name)
    if term.kind == YOU_OFFER:
        return _YOU_OFFER.get(term.subject, "").format(name=name)
    if term.kind == THEY_HIRE:
        return f"{name} is hiring, and you're looking for a new job"
    if term.kind == YOU_HIRE:
        return f"{name} is looking for a new job, and you're hiring"
    if term.kind == COMPANY:
        return f"You both work at {company}" if company else ""
    if term.kind == PAST_EVENT and term.subject.isdigit():
        title = event_titles.get(int(term.subject), "")
        return f"You both went to {title}" if title else ""
    return ""
