"""Feedback: who may give it (a matrix), its window, the form's errors, changing
an answer, the links to it, My data and account deletion."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.lib.errors import PermissionDenied
from meetup.models import Event, Feedback, User
from meetup.services.outcomes import feedback
from tests.plugins.app import DEFAULT_PASSWORD, sign_in

GOOD = {"rating": "4", "is_coming_again": "yes", "comment": "Lovely evening."}


def _client(app, user):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


@pytest.fixture
def world(app, make_user, past_event):
    host = make_user(display_name="Hanna Host")
    attendee = make_user(display_name="Ada Attendee")
    others = [make_user() for _ in range(2)]
    missed = make_user(display_name="Milo Missed")
    event = past_event(attendee, *others, not_attended=(missed,), creator=host)
    return {
        "event": event,
        "anonymous": None,
        "member": make_user(display_name="Mo Member"),
        "going_not_attended": missed,
        "attendee": attendee,
        "host": host,
    }


def _feedback_count(app, event) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Feedback).where(Feedback.event_id == event.id)
        )


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 403), ("going_not_attended", 403), ("attendee", 200),
     ("host", 403)],
)  # fmt: skip
def test_only_attendees_reach_the_form(app, world, role, status) -> None:
    client = _client(app, world[role])
    url = f"/events/{world['event'].slug}/feedback"
    page = client.get(url)
    assert page.status_code == status
    if status == 302:
        assert "/login" in page.headers["Location"]
    posted = client.submit(url, GOOD)
    assert posted.status_code == (303 if status == 200 else status)
    assert _feedback_count(app, world["event"]) == (1 if role == "attendee" else 0)


def test_refusals_say_why(app, world) -> None:
    text = _client(app, world["going_not_attended"]).get(
        f"/events/{world['event'].slug}/feedback"
    ).get_data(as_text=True)  # fmt: skip
    assert "Only people who attended this event can give feedback on it." in text


def test_the_window_opens_at_the_end_and_closes_30_days_later(
    app, make_user, make_event, past_event, reply
) -> None:
    person = make_user()
    upcoming = make_event()
    reply(person, upcoming)
    client = _client(app, person)
    response = client.get(f"/events/{upcoming.slug}/feedback")
    assert response.status_code == 403
    assert "Feedback opens when the event ends." in response.get_data(as_text=True)

    late = past_event(person, ended_days_ago=29.9)
    assert client.get(f"/events/{late.slug}/feedback").status_code == 200
    over = past_event(person, ended_days_ago=30.1)
    response = client.get(f"/events/{over.slug}/feedback")
    assert response.status_code == 403
    assert "Feedback closed on" in response.get_data(as_text=True)
    assert client.submit(f"/events/{over.slug}/feedback", GOOD).status_code == 403

    with app.app_context():
        event = db.session.get(Event, late.id)
        actor = db.session.get(User, person.id)
        closes = event.ends_at + timedelta(days=feedback.FEEDBACK_DAYS)
        answer = feedback.Answer(5, True)
        feedback.give_feedback(actor, event, answer, now=closes - timedelta(seconds=1))
        with pytest.raises(PermissionDenied):
            feedback.give_feedback(actor, event, answer, now=closes)
        db.session.rollback()


def test_an_answer_is_given_once_and_changed_in_the_window(app, world) -> None:
    client = _client(app, world["attendee"])
    url = f"/events/{world['event'].slug}/feedback"
    assert client.submit(url, GOOD).status_code == 303
    form = client.get(url).get_data(as_text=True)
    assert "You answered already" in form and "Lovely evening." in form
    changed = {"rating": "2", "is_coming_again": "no", "comment": "", "is_signed": "y"}
    assert client.submit(url, changed).status_code == 303
    assert _feedback_count(app, world["event"]) == 1
    with app.app_context():
        saved = db.session.scalar(select(Feedback).where(Feedback.event_id == world["event"].id))
        assert (saved.rating, saved.is_coming_again, saved.comment, saved.is_signed) == (
            2, False, "", True,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**GOOD, "rating": "9"}, "rating", "Choose a rating from 1 to 5."),
        ({**GOOD, "rating": ""}, "rating", "Choose a rating from 1 to 5."),
        ({**GOOD, "is_coming_again": "maybe"}, "is_coming_again",
         "Say whether you would come again."),
        ({**GOOD, "comment": "x" * 2001}, "comment", "Use at most 2000 characters"),
    ],
)  # fmt: skip
def test_bad_input_is_named_next_to_its_field(app, world, data, field, message) -> None:
    client = _client(app, world["attendee"])
    response = client.submit(f"/events/{world['event'].slug}/feedback", data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'id="{field}-error"' in text and message in text
    assert _feedback_count(app, world["event"]) == 0


def test_a_post_without_its_csrf_token_is_refused(app, world) -> None:
    client = _client(app, world["attendee"])
    response = client.post(f"/events/{world['event'].slug}/feedback", data=GOOD)
    assert response.status_code == 422
    assert _feedback_count(app, world["event"]) == 0


def test_the_event_page_and_my_events_link_to_the_form_for_attendees_only(app, world) -> None:
    slug = world["event"].slug
    link = f'href="/events/{slug}/feedback"'
    for role in ("member", "going_not_attended", "host", "attendee"):
        client = _client(app, world[role])
        page = client.get(f"/events/{slug}").get_data(as_text=True)
        mine = client.get("/my/events").get_data(as_text=True)
        assert (link in page) == (role == "attendee"), role
        assert (link in mine) == (role == "attendee"), role
    client = _client(app, world["attendee"])
    assert "Give feedback" in client.get("/my/events").get_data(as_text=True)
    client.submit(f"/events/{slug}/feedback", GOOD)
    assert "Change your feedback" in client.get("/my/events").get_data(as_text=True)


def test_feedback_url_is_absolute(app, world) -> None:
    with app.app_context():
        url = feedback.feedback_url(world["event"])
    assert url == f"http://localhost/events/{world['event'].slug}/feedback"


def test_my_data_lists_my_feedback_and_nobody_elses(app, world, make_user, answer) -> None:
    event, attendee = world["event"], world["attendee"]
    answer(attendee, event, rating=5, comment="Mine, signed", signed=True)
    with app.app_context():
        other = db.session.scalars(
            select(User).where(User.display_name.like("Person %"))
        ).first()  # fmt: skip
    answer(other, event, rating=1, comment="Theirs, anonymous")
    client = _client(app, attendee)
    page = client.get("/account/data").get_data(as_text=True)
    assert "Mine, signed" in page and "With your name" in page
    assert "Theirs, anonymous" not in page
    export = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert [item["comment"] for item in export["feedback"]] == ["Mine, signed"]
    assert export["feedback"][0]["signed"] is True and export["feedback"][0]["rating"] == 5
    for role in ("member", "host"):
        text = _client(app, world[role]).get("/account/data.json").get_data(as_text=True)
        assert "Mine, signed" not in text and "Theirs, anonymous" not in text


def test_deleting_an_account_keeps_its_feedback_anonymous(app, world, answer) -> None:
    event, attendee = world["event"], world["attendee"]
    answer(attendee, event, rating=5, comment="Signed by Ada", signed=True)
    client = _client(app, attendee)
    response = client.submit("/account/delete", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 303
    with app.app_context():
        kept = db.session.scalar(select(Feedback).where(Feedback.event_id == event.id))
        assert (kept.user_id, kept.is_signed, kept.rating) == (None, False, 5)
        assert kept.comment == "Signed by Ada"
    report = _client(app, world["host"]).get(f"/events/{event.slug}/report")
    assert "Ada Attendee" not in report.get_data(as_text=True)
