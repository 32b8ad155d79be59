"""Replying on the event page, my events, and the hosts' pages, over HTTP."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.mail.compose import build_message
from meetup.models import Event, EventQuestion, OutboxMessage, Rsvp, User
from meetup.models.types import utcnow
from meetup.services.hosting import lifecycle
from tests.plugins.app import sign_in


@pytest.fixture
def member_client(app, make_user):
    """A signed-in verified member and their client."""

    def make(**overrides):
        person = make_user(**overrides)
        client = app.test_client()
        sign_in(client, person)
        return person, client

    return make


def _reply(client, event, response="going", **data):
    page = f"/events/{event.slug}"
    return client.submit(f"{page}/rsvp", {"response": response, **data}, page=page)


def _error_at(html: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', html)
    assert match, f"no error shown at {field}"
    return match.group(1)


def _rsvp_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Rsvp))


def test_going_from_the_event_page(app, make_event, member_client, outbox):
    event = make_event(online_url="https://meet.example.org/room-42", capacity=10)
    person, client = member_client()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "The hosts will see your name and email address" in page
    assert "https://meet.example.org/room-42" not in page  # not going yet
    response = _reply(client, event)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You're going" in page
    assert "1 going" in page and "9 seats left" in page
    assert 'href="https://meet.example.org/room-42"' in page  # going: the link is theirs
    mail = outbox.last(person.email)
    assert mail.context["online_url"] == "https://meet.example.org/room-42"
    with app.app_context():
        email = build_message(mail)
        text = next(p for p in email.walk() if p.get_content_type() == "text/plain")
        text = text.get_payload(decode=True).decode()
        assert email.get_content_type() == "multipart/mixed"  # the invitation rides along
    assert f"You're going to {event.title}." in text
    assert "Online: https://meet.example.org/room-42" in text


def test_anonymous_visitors_are_asked_to_log_in(app, make_event):
    event = make_event()
    client = app.test_client()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Log in to reply" in page
    response = client.post(f"/events/{event.slug}/rsvp", data={"response": "going"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _rsvp_count(app) == 0


def test_a_reply_without_the_csrf_token_is_refused(app, make_event, member_client):
    event = make_event()
    _, client = member_client()
    response = client.post(f"/events/{event.slug}/rsvp", data={"response": "going"})
    assert response.status_code == 422
    assert "This form has expired" in response.get_data(as_text=True)
    assert _rsvp_count(app) == 0


def test_an_unverified_member_is_refused_with_a_reason(app, make_event, member_client):
    event = make_event()
    _, client = member_client(verified=False)
    response = _reply(client, event)
    assert response.status_code == 403
    assert "Confirm your email address first" in response.get_data(as_text=True)
    assert _rsvp_count(app) == 0


@pytest.mark.parametrize(
    ("guests", "message"),
    [("-1", "cannot be negative"), ("3", "at most 2 guests"), ("many", "Not a valid integer")],
)
def test_bad_guest_numbers_are_refused_at_the_field(
    app, make_event, member_client, guests, message
):
    event = make_event(guest_limit=2)
    _, client = member_client()
    response = _reply(client, event, guests=guests)
    assert response.status_code == 422
    assert message in _error_at(response.get_data(as_text=True), "guests")
    assert _rsvp_count(app) == 0


def test_a_double_submit_makes_one_reply(app, make_event, member_client, outbox):
    event = make_event(capacity=3)
    person, client = member_client()
    assert _reply(client, event).status_code == 303
    assert _reply(client, event).status_code == 303
    assert _rsvp_count(app) == 1
    assert len(outbox.messages(person.email)) == 1


def test_replies_after_the_deadline_to_cancelled_or_draft_events_are_refused(
    app, make_user, make_event, member_client
):
    host = make_user()
    soon = (utcnow() + timedelta(minutes=30)).astimezone(ZoneInfo("Europe/Paris"))
    closed = make_event(rsvp_deadline_local=soon.replace(tzinfo=None, second=0, microsecond=0))
    cancelled = make_event(creator=host)
    draft = make_event(publish=False)
    with app.app_context():
        lifecycle.cancel_event(db.session.get(User, host.id), db.session.get(Event, cancelled.id))
        record = db.session.get(Event, closed.id)
        record.rsvp_deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    _, client = member_client()
    response = _reply(client, closed)
    assert response.status_code == 422
    assert "Replies closed on" in response.get_data(as_text=True)
    page = client.get(f"/events/{cancelled.slug}")
    response = client.post(
        f"/events/{cancelled.slug}/rsvp",
        data={"response": "going", "csrf_token": client.csrf_token(f"/events/{cancelled.slug}")},
    )
    assert page.status_code == 200 and response.status_code == 422
    assert "This event is cancelled." in response.get_data(as_text=True)
    assert client.post(f"/events/{draft.slug}/rsvp", data={"response": "going"}).status_code == 404
    assert _rsvp_count(app) == 0


def test_unlisted_events_take_replies_from_people_with_the_link(app, make_event, member_client):
    event = make_event(visibility="unlisted")
    _, client = member_client()
    assert _reply(client, event).status_code == 303
    assert _rsvp_count(app) == 1


def test_a_full_event_offers_the_waitlist_and_explains_the_party_rule(
    app, make_user, make_event, member_client, reply
):
    event = make_event(capacity=1)
    reply(make_user(), event)
    _, client = member_client()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Join the waitlist" in page
    assert "fits in it whole" in page
    response = _reply(client, event)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "number 1 on the waitlist" in page


def _add_questions(app, event):
    with app.app_context():
        topic = EventQuestion(
            event_id=event.id, position=1, kind="choice", label="Which table?",
            choices=["Hiring", "Mentoring"], is_required=True,
        )  # fmt: skip
        note = EventQuestion(event_id=event.id, position=2, kind="long_text", label="Anything?")
        db.session.add_all([topic, note])
        db.session.commit()
        return topic.id, note.id


def test_required_answers_and_choices_are_checked_at_their_field(app, make_event, member_client):
    event = make_event()
    topic, note = _add_questions(app, event)
    _, client = member_client()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Which table?" in page and "Anything? (optional)" in page
    response = _reply(client, event)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The hosts need an answer" in _error_at(html, f"answer_{topic}")
    response = _reply(client, event, **{f"answer_{topic}": "Investing"})
    assert "Choose one of the options" in _error_at(
        response.get_data(as_text=True), f"answer_{topic}"
    )
    assert _rsvp_count(app) == 0
    # "Can't go" needs no answers.
    assert _reply(client, event, response="not_going").status_code == 303
    response = _reply(client, event, **{f"answer_{topic}": "Mentoring", f"answer_{note}": "Hi"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Rsvp.answers)) == {str(topic): "Mentoring", str(note): "Hi"}


def test_my_events_shows_status_and_waitlist_place(
    app, make_user, make_event, member_client, reply, count_queries
):
    person, client = member_client()
    full = make_event(capacity=1, title="Sold out supper")
    reply(make_user(), full)
    reply(person, full)
    reply(person, make_event(title="Open evening"))
    page = client.get("/my/events").get_data(as_text=True)
    assert "Sold out supper" in page and "number 1 on the waitlist" in page
    assert "Open evening" in page
    with count_queries() as few:
        client.get("/my/events")
    for number in range(5):
        reply(person, make_event(title=f"More {number}"))
    with count_queries() as many:
        assert client.get("/my/events").status_code == 200
    assert many.count == few.count


def test_hosts_list_replies_and_approve_from_the_list(
    app, make_user, make_event, reply, count_queries, outbox
):
    host = make_user()
    event = make_event(creator=host, is_approval_required=True, capacity=5)
    asker = make_user(display_name="Asking Person")
    request = reply(asker, event)
    client = app.test_client()
    sign_in(client, host)
    page = client.get(f"/events/{event.slug}/replies").get_data(as_text=True)
    assert "Asking Person" in page and asker.email in page and "Awaiting approval" in page
    token = client.csrf_token(f"/events/{event.slug}/replies")
    response = client.post(
        f"/events/{event.slug}/replies/{request.id}/approve", data={"csrf_token": token}
    )
    assert response.status_code == 303
    assert outbox.last(asker.email).context["notice"] == "approved"
    with count_queries() as few:
        client.get(f"/events/{event.slug}/replies")
    for _ in range(5):
        reply(make_user(), event)
    with count_queries() as many:
        client.get(f"/events/{event.slug}/replies")
    assert many.count == few.count


def test_hosts_manage_up_to_five_questions(app, make_user, make_event):
    host = make_user()
    event = make_event(creator=host)
    client = app.test_client()
    sign_in(client, host)
    url = f"/events/{event.slug}/questions"
    response = client.submit(url, {"label": "Pick one", "kind": "choice", "choices": "Only one"})
    assert response.status_code == 422
    assert "Give between 2 and 10 options" in _error_at(response.get_data(as_text=True), "choices")
    for number in range(5):
        response = client.submit(url, {"label": f"Question {number}", "kind": "short_text"})
        assert response.status_code == 303
    response = client.submit(url, {"label": "One more", "kind": "short_text"}, page=url)
    assert response.status_code == 422
    assert "at most 5 questions" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EventQuestion)) == 5


def test_the_reply_emails_render_for_every_notice(app, make_user, make_event, reply, host_acts):
    from meetup.services.rsvps import decisions

    host = make_user()
    event = make_event(creator=host, capacity=1, is_approval_required=True)
    people = [make_user() for _ in range(4)]
    requests = [reply(person, event) for person in people]
    host_acts(decisions.approve, host, requests[0])
    host_acts(decisions.approve, host, requests[1])
    host_acts(decisions.decline, host, requests[2], reason="Sorry <b>full</b>")
    host_acts(decisions.remove, host, requests[0], reason="Bye")
    reply(people[3], event, going=False)
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage)).all()
        notices = {message.context["notice"] for message in messages}
        assert notices == {"pending", "approved", "declined", "removed", "withdrawn", "promoted"}
        for message in messages:
            email = build_message(message)
            part = next(p for p in email.walk() if p.get_content_type() == "text/html")
            html = part.get_payload(decode=True).decode()
            assert "Sorry <b>full</b>" not in html  # the host's note is escaped
            assert event.title in html


def test_a_reply_costs_the_same_queries_however_many_replied_before(
    app, make_user, make_event, reply, count_queries
):
    def cost(event) -> int:
        client = app.test_client()
        sign_in(client, make_user())
        token = client.csrf_token(f"/events/{event.slug}")
        with count_queries() as queries:
            response = client.post(
                f"/events/{event.slug}/rsvp", data={"csrf_token": token, "response": "going"}
            )
        assert response.status_code == 303
        return queries.count

    small, big = make_event(capacity=1), make_event(capacity=1)
    reply(make_user(), small)
    reply(make_user(), small)  # both now join a waitlist
    for _ in range(20):
        reply(make_user(), big)
    assert cost(small) == cost(big) <= 12


def test_a_too_long_removal_reason_comes_back_at_its_field(app, make_user, make_event, reply):
    host = make_user()
    event = make_event(creator=host)
    person = reply(make_user(), event)
    client = app.test_client()
    sign_in(client, host)
    page = f"/events/{event.slug}/replies/{person.id}"
    response = client.submit(
        f"{page}/remove", {"reason": "x" * 1001, "back_to": "reply"}, page=page
    )
    assert response.status_code == 422
    assert "Use at most 1000 characters" in _error_at(response.get_data(as_text=True), "reason")
    with app.app_context():
        assert db.session.get(Rsvp, person.id).status.value == "going"
    response = client.submit(f"{page}/remove", {"reason": "Spam", "back_to": "reply"}, page=page)
    assert response.status_code == 303 and response.headers["Location"] == page
