"""Who reads a reply's answers and history: the person and the event's hosts.

Pages for hosts answer 403 to other members (the event is not secret); a
person's own reply page is 404 for anyone without a reply there (nothing to
show, and nobody else's is reachable through it); anonymous visitors log in.
"""

from __future__ import annotations

import pytest

from meetup.extensions import db
from meetup.models import EventQuestion
from tests.plugins.app import sign_in

SECRET_ANSWER = "My stealth startup does quantum payroll"


@pytest.fixture
def world(app, make_user, make_event, reply):
    host = make_user(display_name="The Host")
    event = make_event(creator=host, capacity=10)
    with app.app_context():
        question = EventQuestion(
            event_id=event.id, position=1, kind="short_text", label="What do you build?"
        )
        db.session.add(question)
        db.session.commit()
        question_id = question.id
    person = make_user(display_name="The Person")
    person_reply = reply(person, event, answers={str(question_id): SECRET_ANSWER})
    attendee = make_user(display_name="Another Attendee")
    reply(attendee, event, answers={str(question_id): "Something else"})
    member = make_user(display_name="A Member")
    return {
        "event": event,
        "reply_id": person_reply.id,
        "anonymous": None,
        "member": member,
        "attendee": attendee,
        "person": person,
        "host": host,
    }


def _client(app, user):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


HOST_PAGES = [
    "/events/{slug}/replies",
    "/events/{slug}/replies/{reply_id}",
    "/events/{slug}/questions",
]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("member", 403), ("attendee", 403), ("person", 403), ("host", 200)],
)
@pytest.mark.parametrize("page", HOST_PAGES)
def test_host_pages(app, world, who, expected, page):
    url = page.format(slug=world["event"].slug, reply_id=world["reply_id"])
    response = _client(app, world[who]).get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("who", "expected", "sees_answer"),
    [
        ("anonymous", 302, False),
        ("member", 404, False),
        ("attendee", 200, False),  # their own reply, not the person's
        ("person", 200, True),
        ("host", 404, False),  # hosts read it on the replies page
    ],
)
def test_own_reply_page(app, world, who, expected, sees_answer):
    response = _client(app, world[who]).get(f"/events/{world['event'].slug}/rsvp")
    assert response.status_code == expected
    assert (SECRET_ANSWER in response.get_data(as_text=True)) is sees_answer


@pytest.mark.parametrize(
    ("who", "sees_answer"),
    [
        ("anonymous", False),
        ("member", False),
        ("attendee", False),
        ("person", True),  # in their own reply form, to change it
        ("host", False),
    ],
)
def test_the_event_page_shows_only_the_viewer_their_own_answers(app, world, who, sees_answer):
    html = _client(app, world[who]).get(f"/events/{world['event'].slug}").get_data(as_text=True)
    assert (SECRET_ANSWER in html) is sees_answer


def test_the_host_reads_answers_and_history(app, world):
    client = _client(app, world["host"])
    html = client.get(f"/events/{world['event'].slug}/replies/{world['reply_id']}").get_data(
        as_text=True
    )
    assert SECRET_ANSWER in html
    assert world["person"].email in html
    assert "History" in html and "by The Person" in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("member", 403), ("attendee", 403), ("person", 403), ("host", 303)],
)
@pytest.mark.parametrize("action", ["remove", "approve", "decline"])
def test_host_decisions(app, world, who, expected, action):
    client = _client(app, world[who])
    token = client.csrf_token("/login" if who == "anonymous" else "/")
    url = f"/events/{world['event'].slug}/replies/{world['reply_id']}/{action}"
    assert client.post(url, data={"csrf_token": token}).status_code == expected


def test_a_reply_of_another_event_is_not_reachable_through_mine(app, world, make_user, make_event):
    host = make_user()
    other = make_event(creator=host)
    client = _client(app, host)
    url = f"/events/{other.slug}/replies/{world['reply_id']}"
    assert client.get(url).status_code == 404
