"""The benchmark's seed, sessions and scenarios keep working as the app changes."""

from __future__ import annotations

import pytest

from bench.__main__ import SCENARIOS, Load
from bench.profile import client_for
from bench.seed import seed
from bench.sessions import mint_sessions


def test_every_scenario_page_answers_on_seeded_data(app, client) -> None:
    with app.app_context():
        seeded = seed(30)
        seeded["attendee_session"] = mint_sessions(app, [seeded["attendee_id"]])[0]
    seeded["feed_etag"] = client.get(f"/calendar/{seeded['feed_token']}.ics").headers["ETag"]
    assert len(SCENARIOS) >= 4
    for name, load_for in SCENARIOS.items():
        load = load_for(seeded)
        load = Load(load) if isinstance(load, str) else load
        response = client_for(app, load.headers).get(load.path, headers=load.headers)
        assert response.status_code == (304 if "304" in name else 200), name
    big = client.get(SCENARIOS["event page (200 going)"](seeded)).get_data(as_text=True)
    assert "200 going" in big and "Full" in big and "50 on the waitlist" in big
    signed_in = SCENARIOS["event page, signed in and going"](seeded)
    page = client_for(app, signed_in.headers).get(signed_in.path)
    assert "You're going" in page.get_data(as_text=True)


def test_minted_sessions_can_reply(app) -> None:
    """The race's members: a minted cookie and token make a reply, no log-in."""
    with app.app_context():
        seeded = seed(30)
        racers = mint_sessions(app, seeded["racer_ids"][:3])
    for racer in racers:
        response = client_for(app, {"Cookie": racer["cookie"]}).post(
            f"/events/{seeded['race_events'][0]}/rsvp",
            data={"csrf_token": racer["csrf_token"], "response": "going"},
        )
        assert response.status_code == 303


def test_the_profile_names_a_page_s_hot_spots(app) -> None:
    """`python -m bench.profile search`: a scenario chosen by a part of its
    name, timed and profiled through the test client on a tiny seed."""
    from bench.profile import choose_scenario, load_for, measure, report

    with app.app_context():
        seeded = seed(30)
    name = choose_scenario("search")
    assert name == "search, two words"
    with pytest.raises(SystemExit, match="event page"):
        choose_scenario("event page")  # two scenarios: say which
    load = load_for(name, seeded)
    result = measure(app, load, requests=3, warmup=1)
    assert result.status == 200 and result.queries_per_request >= 1
    text = report(name, load, result, top=30, baseline=result)
    assert "ms/request" in text and "queries/request" in text
    assert "this page costs 1.00x its CPU" in text
    assert "top 30 by own time" in text and "meetup/events/views.py" in text


def test_the_suggestions_bench_scores_a_small_room() -> None:
    from bench.suggestions import measure, person_fields

    fields = person_fields(300)
    assert all(3 <= len(person["interests"]) <= 8 for person in fields)
    assert 60 <= sum(1 for person in fields if person["seeks"]) <= 140  # a third
    result = measure(300)
    assert result["size"] == 300 and 5 <= result["suggested"] <= 15
