"""Scoring and reasons on small hand-made rooms: pure functions, no database."""

from __future__ import annotations

import math
from pathlib import Path

from meetup.services.suggestions import scoring
from meetup.services.suggestions.scoring import Attendee, Term, company_key, reasons, score_room


def person(id: int, *interests: str, offers=(), seeks=(), company="", past=(), candidate=True):
    return Attendee(
        id=id, interests=frozenset(interests), offers=frozenset(offers),
        seeks=frozenset(seeks), company=company_key(company), past_events=tuple(past),
        is_candidate=candidate,
    )  # fmt: skip


def scored(room) -> dict[int, list[scoring.Match]]:
    return dict(score_room(room))


def ids(matches) -> list[int]:
    return [match.candidate_id for match in matches]


def test_a_rare_shared_interest_outranks_a_common_one() -> None:
    room = [
        person(1, "rust", "python"), person(2, "python"), person(3, "python"),
        person(4, "rust", "python"), person(5, "cooking"),
    ]  # fmt: skip
    mine = scored(room)[1]
    assert ids(mine) == [4, 2, 3]  # 4 shares the rare "rust"; 2 and 3 tie, by id
    assert mine[0].score == math.log(5 / 2) + math.log(5 / 4)
    assert [term.subject for term in mine[0].terms] == ["rust", "python"]


def test_ties_are_broken_by_id() -> None:
    room = [person(9, "go"), person(3, "go"), person(7, "go"), person(1, "go"), person(2, "x")]
    assert ids(scored(room)[9]) == [1, 3, 7]
    assert ids(scored(room)[1]) == [3, 7, 9]


def test_someone_with_no_interests_gets_and_gives_nothing_from_interests() -> None:
    room = [person(1), person(2, "go"), person(3, "go"), person(4, "ml")]
    result = scored(room)
    assert result[1] == []
    assert 1 not in ids(result[2])


def test_everyone_with_the_same_interest_is_no_reason() -> None:
    room = [person(n, "networking") for n in range(1, 6)]
    assert all(matches == [] for matches in scored(room).values())


def test_complementary_goals_weigh_more_than_interests() -> None:
    room = [
        person(1, "rust", seeks=["advice"]),
        person(2, "rust"),
        person(3, offers=["advice"]),
        person(4, "sql"),
    ]
    mine = scored(room)[1]
    assert ids(mine) == [3, 2]
    assert mine[0].terms == (Term(scoring.THEY_OFFER, "advice", scoring.GOAL_WEIGHT),)
    # And the other way round, for the one who offers.
    assert scored(room)[3][0].terms == (Term(scoring.YOU_OFFER, "advice", scoring.GOAL_WEIGHT),)


def test_hiring_meets_a_new_job_either_way() -> None:
    room = [person(1, seeks=["new_job"]), person(2, offers=["hiring"]), person(3, seeks=["hiring"])]
    result = scored(room)
    assert ids(result[1]) == [2, 3]
    assert result[1][0].terms[0].kind == scoring.THEY_HIRE
    assert result[2][0].terms[0].kind == scoring.YOU_HIRE
    assert ids(result[2]) == [1]  # two people hiring are no match


def test_same_company_and_a_past_event_are_small_bonuses() -> None:
    room = [
        person(1, "rust", company="Acme, Inc."), person(2, "rust", company="ACME"),
        person(3, "rust", past=[40, 30]), person(4, "rust", past=[30]), person(5, "x"),
    ]  # fmt: skip
    result = scored(room)
    # "rust" is held by 4 of 5: log(5/4) weighs less than the company.
    assert [term.kind for term in result[1][0].terms] == [scoring.COMPANY, scoring.INTEREST]
    assert result[3][0].candidate_id == 4
    assert result[3][0].terms[0] == Term(scoring.PAST_EVENT, "30", scoring.PAST_EVENT_WEIGHT)
    assert company_key("Acme, Inc.") == company_key("acme") == "acme"


def test_a_company_or_a_past_event_alone_suggests_nobody() -> None:
    # Issue 34: the README listed "the same company" among the factors, and
    # people sharing only a company were never suggested. Colleagues mostly
    # know each other already, and a big employer's people would crowd out
    # the strangers an event is for: the company (like a past event) only
    # adds to a pair that shared interests or goals found, and the README
    # says so.
    room = [
        person(1, "rust", company="Acme, Inc.", past=[30]), person(2, company="ACME", past=[30]),
        person(3, "go"), person(4, "go"), person(5, "x"),
    ]  # fmt: skip
    result = scored(room)
    assert result[1] == [] and result[2] == []
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    said = " ".join(readme.split())
    assert "the same company and past events attended together only add to" in said


def test_a_person_out_of_sight_is_suggested_to_nobody_and_counts_for_nothing() -> None:
    """A private profile (not a candidate): never suggested, and their
    interests change no weight; they still get suggestions themselves."""
    visible = [person(1, "rust"), person(2, "rust"), person(3, "go"), person(4, "go")]
    hidden = person(5, "rust", "go", offers=["advice"], candidate=False)
    with_hidden = scored([*visible, hidden])
    assert with_hidden[1] == scored(visible)[1]
    assert all(5 not in ids(matches) for matches in with_hidden.values())
    assert ids(with_hidden[5]) == [1, 2, 3, 4]


def test_common_interests_are_no_source_but_still_score() -> None:
    """In a big room an interest most people share finds nobody, but adds
    to the score of someone found by a rarer one."""
    room = [person(n, "ai") for n in range(1, 81)]
    room += [person(200, "ai", "rare"), person(201, "ai", "rare")]
    room += [person(300 + n, "other") for n in range(40)]
    result = scored(room)
    assert ids(result[200]) == [201]
    assert [term.subject for term in result[200][0].terms] == ["rare", "ai"]
    assert result[1] == []  # "ai" alone: held by two thirds, no source


def test_candidates_are_bounded_in_a_big_room() -> None:
    room = [person(n, "rare", seeks=["advice"], offers=["advice"]) for n in range(1, 1001)]
    room += [person(n, "filler") for n in range(2000, 5000)]
    result = scored(room)
    assert all(len(matches) <= scoring.TOP_K for matches in result.values())
    # Big sources are windows starting after each person: they spread.
    assert ids(result[500])[:3] == [501, 502, 503]
    assert ids(result[1000])[:3] == [1, 2, 3]


def test_reasons_in_words() -> None:
    terms = [
        Term(scoring.INTEREST, "rust", 2.0), Term(scoring.INTEREST, "data engineering", 1.5),
        Term(scoring.THEY_OFFER, "advice", 3.0), Term(scoring.COMPANY, "acme", 0.5),
    ]  # fmt: skip
    assert reasons(terms, name="Ben", company="Acme") == [
        "Ben offers advice, which you're looking for",
        "You both work on rust and data engineering",
        "You both work at Acme",
    ]
    assert reasons([Term(scoring.THEY_HIRE, "hiring", 3.0)], name="Ben") == [
        "Ben is hiring, and you're looking for a new job"
    ]
    assert reasons([Term(scoring.PAST_EVENT, "7", 0.5)], name="Ben", event_titles={7: "PyCon"}) == [
        "You both went to PyCon"
    ]
    assert reasons([Term(scoring.PAST_EVENT, "7", 0.5)], name="Ben", event_titles={}) == []


def test_still_true_keeps_only_terms_the_fields_bear_out() -> None:
    terms = [
        Term(scoring.INTEREST, "rust", 2.0), Term(scoring.INTEREST, "go", 1.0),
        Term(scoring.THEY_OFFER, "advice", 3.0), Term(scoring.PAST_EVENT, "7", 0.5),
    ]  # fmt: skip
    me = person(1, "rust", seeks=["advice"], past=[9, 7])
    them = person(2, "rust", "go", past=[7, 9])  # no longer offers advice
    assert scoring.still_true(terms, me, them) == (terms[0], terms[3])
