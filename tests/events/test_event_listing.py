"""Finding events: listing, search, filters, topics, past events, pagination."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from meetup.extensions import db
from meetup.models.types import utcnow

NEXT_YEAR = utcnow().year + 1


def _titles(client, url: str) -> list[str]:
    html = client.get(url).get_data(as_text=True)
    return re.findall(r'<h3 class="event-card__title"><a href="[^"]+">([^<]+)</a>', html)


def _at(days: int, hour: int = 18) -> dict:
    start = (utcnow() + timedelta(days=days)).replace(tzinfo=None, hour=hour, minute=0)
    return {"starts_local": start, "ends_local": start + timedelta(hours=2)}


def test_upcoming_public_events_soonest_first(client, make_event) -> None:
    make_event(title="Later", **_at(20))
    make_event(title="Sooner", **_at(3))
    make_event(title="Draft one", publish=False, **_at(5))
    make_event(title="Hidden", visibility="unlisted", **_at(6))
    assert _titles(client, "/events") == ["Sooner", "Later"]


def test_unlisted_events_open_by_link(client, make_event) -> None:
    hidden = make_event(title="Hidden", visibility="unlisted")
    html = client.get(f"/events/{hidden.slug}").get_data(as_text=True)
    assert "Hidden" in html and '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("python", ["Python meetup", "Data breakfast"]),
        ("PYTHON breakfast", ["Data breakfast"]),
        ("café", ["Café founders"]),
        ("CAFÉ", ["Café founders"]),
        ("cafe", ["Café founders"]),
        ("ΑΘΗΝΑ", ["Athens night"]),
        ("station", ["Python meetup"]),
        ("100%", []),
        ("under_score", []),
        ("nothing-matches-this", []),
    ],
)
def test_search_matches_every_word_case_insensitively(client, make_event, query, expected):
    make_event(title="Python meetup", venue_name="Station F", **_at(1))
    make_event(
        title="Data breakfast", description="Pandas and *Python*.", venue_name="Le Loft", **_at(2)
    )
    make_event(title="Café founders", venue_name="Le Loft", **_at(3))
    make_event(title="Athens night", venue_name="Αθήνα", timezone="Europe/Athens", **_at(4))
    assert _titles(client, f"/events?q={query}") == expected


def test_filters_by_topic_mode_and_dates(client, make_event) -> None:
    make_event(title="Online AI", venue_name="", venue_address="",
               online_url="https://meet.example.org/x", topics=["ai"], **_at(2))  # fmt: skip
    make_event(title="Paris AI", topics=["AI", "paris"], **_at(10))
    make_event(title="Paris design", topics=["design"], **_at(30))
    assert _titles(client, "/events?topic=ai") == ["Online AI", "Paris AI"]
    assert _titles(client, "/topics/AI") == ["Online AI", "Paris AI"]
    assert _titles(client, "/events?mode=online") == ["Online AI"]
    assert _titles(client, "/events?mode=in_person") == ["Paris AI", "Paris design"]
    day = (utcnow() + timedelta(days=10)).date().isoformat()
    assert _titles(client, f"/events?starts_from={day}&starts_until={day}") == ["Paris AI"]
    response = client.get("/events?starts_from=not-a-date")
    assert response.status_code == 200
    assert "Not a valid date value." in response.get_data(as_text=True)


def test_the_filters_show_each_query_as_given(app, client, monkeypatch) -> None:
    """Each distinct query's filters are rendered once and kept: every answer
    still shows its own values and errors, escaped."""
    for _ in range(2):
        for query, shown, absent in [
            ("q=<b>x</b>&mode=online", ['value="&lt;b&gt;x&lt;/b&gt;"', 'selected value="online"'],
             ["field-error"]),
            ("q=y&starts_from=bad", ['value="y"', 'id="starts_from-error"', 'value="bad"'],
             ["selected value"]),
            ("q=y&q=z", ['value="y"'], ["field-error", 'value="z"']),
            ("", ['id="q" name="q" type="text" value=""', 'id="topic"'], ["field-error"]),
        ]:  # fmt: skip
            html = client.get(f"/events?{query}").get_data(as_text=True)
            for text in shown:
                assert text in html, (query, text)
            for text in absent:
                assert text not in html, (query, text)
    topic_page = client.get("/topics/ai?q=y").get_data(as_text=True)
    assert 'value="y"' in topic_page and 'id="topic"' not in topic_page
    monkeypatch.setattr(app.jinja_env, "auto_reload", True)  # debug: rendered each time
    assert client.get("/topics/ai?q=y").get_data(as_text=True) == topic_page


def test_cards_show_an_event_as_it_is_now(app, client, make_event) -> None:
    """Cards are kept by their values: a changed event is a new card, and the
    links follow the site's path prefix."""
    from meetup.extensions import db
    from meetup.models import Event

    event = make_event(title="Before", topics=["ai"])
    assert _titles(client, "/events") == ["Before"]
    with app.app_context():
        row = db.session.get(Event, event.id)
        row.title, row.online_url = "After", "https://meet.example.org/x"
        row.venue_name = row.venue_address = ""
        db.session.commit()
    html = client.get("/events").get_data(as_text=True)
    assert _titles(client, "/events") == ["After"]
    assert "Online" in html and "Station F" not in html
    assert f'href="/events/{event.slug}"' in html and 'href="/topics/ai"' in html
    prefixed = client.get("/events", base_url="http://localhost/site").get_data(as_text=True)
    assert f'href="/site/events/{event.slug}"' in prefixed and 'href="/site/topics/ai"' in prefixed


def test_past_events_latest_first(app, client, make_event) -> None:
    from meetup.extensions import db
    from meetup.models import Event

    first, second = make_event(title="First", **_at(1)), make_event(title="Second", **_at(2))
    with app.app_context():
        for event, days in ((first, 20), (second, 10)):
            row = db.session.get(Event, event.id)
            row.starts_at = utcnow() - timedelta(days=days)
            row.ends_at = row.starts_at + timedelta(hours=2)
        db.session.commit()
    assert _titles(client, "/events") == []
    assert _titles(client, "/events/past") == ["Second", "First"]


def test_pagination_keeps_the_filters(client, make_event) -> None:
    for number in range(23):
        make_event(title=f"Python {number:02d}", **_at(1 + number))
    html = client.get("/events?q=python").get_data(as_text=True)
    assert "Page 1" in html
    assert 'href="/events?q=python&amp;page=2"' in html
    assert _titles(client, "/events?q=python&page=2") == ["Python 20", "Python 21", "Python 22"]
    assert _titles(client, "/events?q=python&page=99") == []
    assert client.get("/events?page=abc").status_code == 200


@pytest.mark.parametrize("path", ["/events", "/events?q=x+y", "/topics/x", "/"])
def test_listing_query_count_does_not_grow(app, make_user, make_event, count_queries, path):
    """The listing, a search of two words, a topic and the home page: one
    query (a page of events joined to their topics), however many match."""
    client = app.test_client()
    make_event(topics=["a", "x", "y"])
    client.get(path)
    with count_queries() as few:
        client.get(path)
    for number in range(15):
        make_event(topics=[f"t{number}", "x", "y"], cohosts=(make_user(),) if number % 3 else ())
    with count_queries() as many:
        html = client.get(path).get_data(as_text=True)
    assert html.count('class="event-card"') == (6 if path == "/" else 16)
    with app.app_context():
        on_postgresql = db.engine.dialect.name == "postgresql"
    # On PostgreSQL a search first asks for a plan of its own words.
    expected = 2 if on_postgresql and "q=" in path else 1
    assert many.count == few.count == expected, many.statements


def test_listing_shows_times_in_the_event_zone(client, make_event) -> None:
    make_event(
        title="Tokyo drinks",
        timezone="Asia/Tokyo",
        starts_local=datetime(NEXT_YEAR, 5, 1, 19, 0),
        ends_local=datetime(NEXT_YEAR, 5, 1, 21, 0),
    )
    assert f"1 May {NEXT_YEAR}, 19:00–21:00 JST" in client.get("/events").get_data(as_text=True)
