"""The benchmark's seed and scenarios keep working as the app changes."""

from __future__ import annotations

from bench.__main__ import SCENARIOS
from bench.seed import seed


def test_every_scenario_page_answers_on_seeded_data(app, client) -> None:
    with app.app_context():
        seeded = seed(30)
    assert len(SCENARIOS) >= 3
    for name, path_for in SCENARIOS.items():
        response = client.get(path_for(seeded))
        assert response.status_code == 200, name
    big = client.get(SCENARIOS["event page (200 hosts)"](seeded)).get_data(as_text=True)
    assert big.count('href="/people/') >= 200
