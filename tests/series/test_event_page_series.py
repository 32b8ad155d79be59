"""The event page of an occurrence: its series box (the series, its schedule
in words, the previous and next occurrence, across a split too), read in
the page's one statement."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, Series, User
from meetup.services.hosting import lifecycle
from meetup.services.series.editing import EditScope, update_event
from tests.plugins.series import detached_occurrences
from tests.series.test_split import details_of

PARIS = ZoneInfo("Europe/Paris")


def neighbours(html: str) -> tuple[str | None, str | None]:
    """The slugs the page links to as previous and next."""
    found = {
        rel: slug for rel, slug in re.findall(r'<a rel="(prev|next)" href="/events/([^"]+)"', html)
    }
    return found.get("prev"), found.get("next")


def test_an_occurrence_s_page_names_its_series_and_links_along_it(app, make_series):
    series = make_series()
    first, second, third = detached_occurrences(app, series.id)[:3]
    client = app.test_client()
    html = client.get(f"/events/{second.slug}").get_data(as_text=True)
    assert f'Part of <a href="/series/{series.slug}">{series.title}</a>' in html
    assert "Every month on the first Thursday at 19:00 (Europe/Paris)" in html
    assert neighbours(html) == (first.slug, third.slug)
    assert neighbours(client.get(f"/events/{first.slug}").get_data(as_text=True)) == (
        None,
        second.slug,
    )


def test_a_cancelled_neighbour_is_linked_and_marked(app, make_series):
    series = make_series()
    first, second, third = detached_occurrences(app, series.id)[:3]
    with app.app_context():
        event = db.session.get(Event, second.id)
        lifecycle.cancel_event(event.created_by, event)
        db.session.commit()
    html = app.test_client().get(f"/events/{first.slug}").get_data(as_text=True)
    assert neighbours(html) == (None, second.slug)
    assert re.search(r'rel="next"[^>]*>[^<]*</a> <span class="badge">Cancelled</span>', html)
    html = app.test_client().get(f"/events/{third.slug}").get_data(as_text=True)
    assert neighbours(html)[0] == second.slug
    assert re.search(r'rel="prev"[^>]*>[^<]*</a> <span class="badge">Cancelled</span>', html)


def test_previous_and_next_cross_a_split(app, make_series):
    series = make_series()
    first, second, third = detached_occurrences(app, series.id)[:3]
    with app.app_context():
        event = db.session.get(Event, second.id)
        local = event.starts_at.astimezone(PARIS).replace(tzinfo=None) + timedelta(minutes=30)
        changes = {"starts_local": local, "ends_local": local + timedelta(hours=2)}
        actor = db.session.get(User, event.created_by_id)
        update_event(actor, event, details_of(event, **changes), scope=EditScope.FOLLOWING)
        db.session.commit()
        new = db.session.scalar(select(Series).where(Series.continued_from_id == series.id))
        new_slug = new.slug
    client = app.test_client()
    first_page = client.get(f"/events/{first.slug}").get_data(as_text=True)
    assert neighbours(first_page) == (None, second.slug)
    second_page = client.get(f"/events/{second.slug}").get_data(as_text=True)
    assert f'<a href="/series/{new_slug}">' in second_page
    assert neighbours(second_page) == (first.slug, third.slug)


def test_a_plain_event_has_no_series_box(app, make_event):
    html = app.test_client().get(f"/events/{make_event().slug}").get_data(as_text=True)
    assert "Part of" not in html and 'rel="prev"' not in html


def test_an_occurrence_s_page_is_still_one_statement(
    app, make_series, count_queries, auth, make_user
):
    series = make_series()
    first, second = detached_occurrences(app, series.id)[:2]
    client = app.test_client()
    client.get(f"/events/{first.slug}")  # warm caches
    with count_queries() as anonymous:
        assert client.get(f"/events/{second.slug}").status_code == 200
    assert anonymous.count == 1, anonymous.statements
    auth.login(make_user().email)
    auth.client.get(f"/events/{first.slug}")
    with count_queries() as signed_in:
        assert auth.client.get(f"/events/{second.slug}").status_code == 200
    assert signed_in.count == 2, signed_in.statements
