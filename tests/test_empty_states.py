"""Empty pages say what is missing and what to do next."""

from __future__ import annotations


def test_no_events_yet(client) -> None:
    home = client.get("/").get_data(as_text=True)
    assert "No events coming up yet." in home
    assert 'href="/signup"' in home and 'href="/events/past"' in home
    listing = client.get("/events").get_data(as_text=True)
    assert "No upcoming events yet." in listing and 'href="/events/past"' in listing


def test_no_search_results_offer_to_clear_the_search(client, make_event) -> None:
    make_event(title="Python evening")
    html = client.get("/events?q=cobol").get_data(as_text=True)
    assert "No events match your search." in html
    assert '<a href="/events">Clear the search</a>' in html


def test_nobody_going_yet_on_the_host_pages(client, make_user, make_event, auth) -> None:
    host = make_user()
    event = make_event(creator=host)
    auth.login(host.email)
    back = f'href="/events/{event.slug}"'
    for page in ("check-in", "replies", "dashboard"):
        html = client.get(f"/events/{event.slug}/{page}").get_data(as_text=True)
        assert "Share" in html and back in html, page
    html = client.get(f"/events/{event.slug}/check-in?q=nobody").get_data(as_text=True)
    assert "Nobody going matches “nobody”." in html
    assert f'href="/events/{event.slug}/check-in">Show everyone going' in html


def test_an_expired_confirmation_link_leads_to_log_in(client, auth, outbox, monkeypatch) -> None:
    from datetime import timedelta

    from meetup.services.accounts import credentials

    auth.signup(email="new@example.org")
    link = outbox.link("new@example.org")
    auth.logout()
    monkeypatch.setattr(credentials, "VERIFY_EMAIL_VALID_FOR", timedelta(seconds=-1))
    response = client.get(link)
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "This link has expired. Ask for a new one." in page
