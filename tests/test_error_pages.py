"""Errors keep the layout and say what to do next."""

from __future__ import annotations

from werkzeug.exceptions import abort


def test_not_found(client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html
    assert 'href="/"' in html


def test_method_not_allowed_keeps_the_allow_header(client) -> None:
    response = client.delete("/login")
    assert response.status_code == 405
    assert "Method not allowed" in response.get_data(as_text=True)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_unexpected_error_shows_a_page_and_rolls_back(make_app) -> None:
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    @app.get("/forbidden")
    def forbidden() -> str:
        abort(403)

    @app.get("/bad")
    def bad() -> str:
        abort(400)

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html
    assert "kaboom" not in html
    assert client.get("/forbidden").status_code == 403
    assert "Not allowed" in client.get("/forbidden").get_data(as_text=True)
    assert client.get("/bad").status_code == 400
    assert "Bad request" in client.get("/bad").get_data(as_text=True)


def test_a_refusal_says_why_and_offers_a_way_back(client, make_user, make_event, auth) -> None:
    """A 404 or 403 from a rule shows the rule's own words, then where to go."""
    from meetup.extensions import db
    from meetup.models import User
    from meetup.services.hosting import hosts

    creator, stranger = make_user(), make_user()
    event = make_event(creator=creator)
    with client.application.app_context():
        owner = db.session.get(User, creator.id)
        event = db.session.merge(event)
        token = hosts.invite_cohost(owner, event, email="someone@example.org")
        invitation = hosts.find_host_invitation(token)
        hosts.revoke_host_invitation(owner, event, invitation_id=invitation.id)
        db.session.commit()
        slug = event.slug
    auth.login(stranger.email)

    expired = client.get(f"/host-invitations/{token}")
    assert expired.status_code == 404
    html = expired.get_data(as_text=True)
    assert "This invitation has expired or was withdrawn." in html
    assert 'href="/events"' in html and 'href="/"' in html

    refused = client.get(f"/events/{slug}/replies")
    assert refused.status_code == 403
    html = refused.get_data(as_text=True)
    assert "Only the hosts of this event can do that." in html
    assert f"You are logged in as {stranger.display_name}" in html
    assert 'href="/events"' in html
