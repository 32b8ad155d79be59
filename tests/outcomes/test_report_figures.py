"""How the report writes its figures: one rule for the page and the CSV (one
decimal, rounded half up), "–" for what is not known yet, and a chart whose
labels a phone can read."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import update

from meetup.extensions import db
from meetup.models import Connection, Event
from meetup.models.types import utcnow
from tests.plugins.app import sign_in
from tests.plugins.charts import label_sizes

STYLESHEET = Path(__file__).parents[2] / "static" / "css" / "app.css"
REM = 16  # px


def _get(app, user, path) -> str:
    client = app.test_client()
    sign_in(client, user)
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _rows(app, user, event) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_get(app, user, f"/events/{event.slug}/report.csv"))))


def _figure(rows, name) -> str:
    return next(row[1] for row in rows if row and row[0] == name)


def test_the_page_and_the_csv_round_every_figure_alike(app, make_user, past_event, answer) -> None:
    host = make_user()
    raters = [make_user() for _ in range(8)]
    quiet = [make_user() for _ in range(6)]
    missed = [make_user() for _ in range(2)]
    event = past_event(*raters, *quiet, not_attended=tuple(missed), creator=host)
    for n, person in enumerate(raters):  # 34 / 8 = 4.25; one in eight would come again
        answer(person, event, rating=5 if n in (0, 4) else 4, again=n == 0, signed=True)
    page = _get(app, host, f"/events/{event.slug}/report")
    rows = _rows(app, host, event)
    assert "<dt>Average rating</dt><dd>4.3</dd>" in page
    assert _figure(rows, "average rating") == "4.3"
    assert "<dt>Would come again</dt><dd>13%</dd>" in page  # 12.5%
    assert _figure(rows, "would come again") == "13%"
    assert "<dt>No-show rate</dt><dd>13%</dd>" in page  # 2 of 16
    assert _figure(rows, "no-show rate") == "13%"


def test_an_edition_not_held_yet_shows_dashes_not_zeros(
    app, make_user, make_event, past_event, reply
) -> None:
    host = make_user()
    people = [make_user() for _ in range(4)]
    first = past_event(*people, creator=host, title="Breakfast")
    with app.app_context():
        low, high = sorted((people[0].id, people[1].id))
        db.session.add(Connection(first_id=low, second_id=high, event_id=first.id,
                                  created_at=utcnow()))  # fmt: skip
        db.session.commit()
    upcoming = make_event(creator=host, title="Breakfast again")
    with app.app_context():
        db.session.execute(update(Event).where(Event.id == upcoming.id)
                           .values(previous_edition_id=first.id))  # fmt: skip
        db.session.commit()
    reply(people[0], upcoming)

    page = _get(app, host, f"/events/{upcoming.slug}/report")
    for name in ("Attended", "No-shows", "No-show rate"):
        assert f"<dt>{name}</dt><dd>–</dd>" in page
    table = page[page.index('id="series-heading"') :]
    cells = re.findall(r"<td>([^<]*)</td>", table)
    # This edition: 1 going, the rest not known yet; the last one held: 4
    # attended, 1 connection among 4 (0.25, rounded half up).
    assert cells == ["1", "–", "–", "–", "–", "4", "4", "0", "–", "0.3"]

    rows = _rows(app, host, upcoming)
    assert [_figure(rows, n) for n in ("going", "attended", "no-shows", "no-show rate")] == [
        "1", "–", "–", "–",
    ]  # fmt: skip
    editions = rows[rows.index(["edition", "starts", "going", "attended", "no-shows",
                                "average rating", "connections per attendee"]) + 1 :]  # fmt: skip
    assert [row[2:] for row in editions] == [["1", "–", "–", "–", "–"], ["4", "4", "0", "–", "0.3"]]


def test_the_rating_chart_labels_are_legible_on_a_phone(app, world_with_answers) -> None:
    host, event = world_with_answers
    page = _get(app, host, f"/events/{event.slug}/report")
    assert len(re.findall(r"<text", page.split("chart--ratings", 1)[1].split("</svg>")[0])) == 10
    sizes = label_sizes(
        page, "chart chart--ratings", ".chart--ratings"
    )  # a count and a rating per bar
    assert sizes[375] >= 12
    assert sizes[1280] <= 20  # and no shouting on a desktop


@pytest.fixture
def world_with_answers(make_user, past_event, answer):
    host, person = make_user(), make_user()
    event = past_event(person, creator=host)
    answer(person, event, rating=4, signed=True)
    return host, event
