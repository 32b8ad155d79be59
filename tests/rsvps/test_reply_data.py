"""Replies in my data: exported with answers and history; erased with the
account, their seats going to the waitlist."""

from __future__ import annotations

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.models import Event, EventQuestion, Rsvp, RsvpChange, User
from meetup.services.personal_data import registry
from meetup.services.rsvps import decisions

PASSWORD = "correct horse battery"


def test_the_export_holds_my_replies_answers_and_history(app, make_user, make_event, reply):
    event = make_event(capacity=1, title="Data breakfast")
    with app.app_context():
        question = EventQuestion(event_id=event.id, position=1, kind="short_text", label="Why?")
        db.session.add(question)
        db.session.commit()
        key = str(question.id)
    reply(make_user(), event, answers={key: "first"})
    person = make_user()
    reply(person, event, answers={key: "Curiosity"})
    with app.app_context():
        exported = registry.export_user_data(db.session.get(User, person.id))["replies"]
    assert exported == [
        {
            "event": "Data breakfast",
            "slug": event.slug,
            "status": "waitlisted",
            "guests": 0,
            "waitlist_position": 1,
            "answers": [{"question": "Why?", "answer": "Curiosity"}],
            "replied_at": exported[0]["replied_at"],
            "checked_in_at": None,
            "directory_choice": None,
            "history": [
                {
                    "at": exported[0]["history"][0]["at"],
                    "from": None,
                    "to": "waitlisted",
                    "by_self": True,
                    "note": "",
                }
            ],
        }
    ]


def test_deleting_my_account_gives_my_seat_to_the_waitlist(
    app, make_user, make_event, reply, host_acts, lineup, outbox
):
    leaver = make_user(display_name="Leaver")
    host = make_user(display_name="Host")
    hosted = make_event(creator=leaver, capacity=1)
    event = make_event(creator=host, capacity=1)
    reply(leaver, event)
    waiting = make_user(display_name="Waiting")
    reply(waiting, event)
    # As a host, the leaver removed someone: that change stays, by nobody.
    removed = reply(make_user(display_name="Removed"), hosted)
    host_acts(decisions.remove, leaver, removed)
    with app.app_context():
        registry.delete_account(db.session.get(User, leaver.id), password=PASSWORD)
        db.session.commit()
        assert (
            db.session.scalar(
                select(func.count()).select_from(Rsvp).where(Rsvp.user_id == leaver.id)
            )
            == 0
        )
        actors = db.session.scalars(select(RsvpChange.actor_id)).all()
        assert leaver.id not in actors
        assert db.session.get(Event, hosted.id) is not None
    assert lineup(event) == {"Waiting": ("going", None)}
    assert outbox.last(waiting.email).context["notice"] == "promoted"
    assert outbox.messages(leaver.email) == []
