"""The hosts' after-event report: who sees it (a matrix), its figures and CSV,
anonymity on every surface, connections (never one-sided interest), the
series comparison, and a query count that does not grow with the event."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from meetup.extensions import db
from meetup.models import (
    Connection,
    ConnectionRequest,
    Event,
    EventHost,
    Feedback,
    HostRole,
    Rsvp,
    RsvpStatus,
    StayInTouch,
    User,
)
from meetup.models.types import utcnow
from meetup.services.hosting import lifecycle
from meetup.services.outcomes import feedback
from tests.plugins.app import sign_in


def _client(app, user):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


@pytest.fixture
def world(app, make_user, past_event):
    host = make_user(display_name="Hanna Host")
    people = [make_user(display_name=f"Guest {name}") for name in "ABCDEF"]
    missed = make_user(display_name="Milo Missed")
    event = past_event(*people, not_attended=(missed,), creator=host)
    return {
        "event": event,
        "people": people,
        "anonymous": None,
        "member": make_user(display_name="Mo Member"),
        "going_not_attended": missed,
        "attendee": people[0],
        "host": host,
    }


def _text(app, user, path) -> str:
    return _client(app, user).get(path).get_data(as_text=True)


def _csv(app, user, slug: str) -> list[list[str]]:
    body = _text(app, user, f"/events/{slug}/report.csv")
    return list(csv.reader(io.StringIO(body)))


def _figure(rows, name) -> str:
    return next(row[1] for row in rows if row and row[0] == name)


def _connect(app, event, first, second, *, at) -> None:
    with app.app_context():
        low, high = sorted((first.id, second.id))
        db.session.add(Connection(first_id=low, second_id=high, event_id=event.id, created_at=at))
        db.session.commit()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 403), ("going_not_attended", 403), ("attendee", 403),
     ("host", 200)],
)  # fmt: skip
@pytest.mark.parametrize("path", ["/events/{slug}/report", "/events/{slug}/report.csv"])
def test_only_hosts_see_the_report(app, world, role, status, path) -> None:
    response = _client(app, world[role]).get(path.format(slug=world["event"].slug))
    assert response.status_code == status
    if status == 200:
        assert response.headers["Cache-Control"] == "private, no-store"


def test_attendance_figures(app, world) -> None:
    text = _text(app, world["host"], f"/events/{world['event'].slug}/report")
    assert "<dt>Going</dt><dd>7</dd>" in text
    assert "<dt>Attended</dt><dd>6</dd>" in text
    assert "<dt>No-shows</dt><dd>1</dd>" in text
    assert "<dt>No-show rate</dt><dd>14%</dd>" in text
    assert "Follow-ups sent" not in text  # not wired yet: no made-up figure
    rows = _csv(app, world["host"], world["event"].slug)
    assert [_figure(rows, n) for n in ("going", "attended", "no-shows", "no-show rate")] == [
        "7", "6", "1", "14%",
    ]  # fmt: skip
    assert not any(row and row[0] == "follow-ups sent" for row in rows)


def test_before_the_start_nobody_is_a_no_show(app, make_user, make_event, reply) -> None:
    host = make_user()
    event = make_event(creator=host)
    reply(make_user(), event)
    text = _text(app, host, f"/events/{event.slug}/report")
    assert "<dt>Going</dt><dd>1</dd>" in text and "<dt>No-shows</dt><dd>–</dd>" in text


def test_until_feedback_closes_the_signed_answers_show_alone(app, world, answer) -> None:
    event, people, host = world["event"], world["people"], world["host"]
    answer(people[0], event, rating=5, comment="Signed and happy", signed=True)
    answer(people[1], event, rating=1, again=False, comment="Secret complaint")
    answer(people[2], event, rating=2, again=False, comment="Another secret")
    for person in people[3:]:
        answer(person, event, rating=4)
    text = _text(app, host, f"/events/{event.slug}/report")
    assert "<dt>Answers</dt><dd>1</dd>" in text
    assert "<dt>Average rating</dt><dd>5.0</dd>" in text
    assert "<dt>Would come again</dt><dd>100%</dd>" in text
    assert "Signed and happy" in text and people[0].display_name in text
    assert "Secret complaint" not in text and "Another secret" not in text
    assert "count signed answers only" in text
    rows = _csv(app, host, event.slug)
    assert _figure(rows, "feedback answers") == "1"
    assert _figure(rows, "average rating") == "5.0"
    assert _figure(rows, "rated 1") == "0"
    body = _text(app, host, f"/events/{event.slug}/report.csv")
    assert "Secret complaint" not in body and "Another secret" not in body


def _close_feedback(app, event) -> None:
    with app.app_context():
        end = utcnow() - timedelta(days=feedback.FEEDBACK_DAYS, hours=1)
        db.session.execute(update(Event).where(Event.id == event.id)
                           .values(starts_at=end - timedelta(hours=2), ends_at=end))  # fmt: skip
        db.session.execute(update(EventHost).where(EventHost.event_id == event.id)
                           .values(added_at=end - timedelta(days=60)))  # fmt: skip
        db.session.commit()


def test_five_anonymous_answers_join_the_figures_at_the_close_without_their_authors(
    app, world, make_user, answer
) -> None:
    event, people, host = world["event"], world["people"], world["host"]
    answer(people[0], event, rating=5, comment="Signed and happy", signed=True)
    answer(people[1], event, rating=1, again=False, comment="Zed: secret complaint")
    answer(people[2], event, rating=2, again=False, comment="Another secret")
    answer(people[3], event, rating=4, comment="")
    answer(people[4], event, rating=4, again=False, comment="")
    answer(people[5], event, rating=5, again=False, comment="")
    _close_feedback(app, event)
    text = _text(app, host, f"/events/{event.slug}/report")
    assert "<dt>Answers</dt><dd>6</dd>" in text
    assert "<dt>Average rating</dt><dd>3.5</dd>" in text
    assert "<dt>Would come again</dt><dd>33%</dd>" in text
    assert "count signed answers only" not in text
    assert "Zed: secret complaint" in text and "Another secret" in text
    # Anonymous comments carry no name, in the order of their text.
    assert text.index("Another secret") < text.index("Zed: secret complaint")
    for anonymous in people[1:6]:
        assert anonymous.display_name not in text
    assert '<rect x="' in text and 'fill="currentColor"' in text
    assert "<td>1</td><td>1</td>" in text  # the table behind the chart: one answer rated 1
    rows = _csv(app, host, event.slug)
    assert _figure(rows, "feedback answers") == "6"
    assert _figure(rows, "anonymous answers included") == "yes"
    assert [_figure(rows, f"rated {n}") for n in range(1, 6)] == ["1", "1", "0", "2", "2"]
    comments = rows[rows.index(["comment", "from"]) + 1 :]
    assert ["Signed and happy", people[0].display_name] in comments
    assert ["Another secret", "anonymous"] in comments
    body = _text(app, host, f"/events/{event.slug}/report.csv")
    for anonymous in people[1:6]:
        assert anonymous.display_name not in body and anonymous.email not in body


def test_no_other_surface_names_an_anonymous_author(app, world, answer) -> None:
    event, people, host = world["event"], world["people"], world["host"]
    for person in people[:3]:
        answer(person, event, comment=f"Quietly from {person.id}")
    mine = people[0]
    for surface in ("/account/data", "/account/data.json", "/my/events",
                    f"/events/{event.slug}", f"/events/{event.slug}/people",
                    f"/events/{event.slug}/dashboard", f"/events/{event.slug}/replies",
                    f"/events/{event.slug}/replies.csv"):  # fmt: skip
        for viewer in (host, people[3], world["member"]):
            text = _text(app, viewer, surface)
            assert f"Quietly from {mine.id}" not in text, (surface, viewer.display_name)


def test_connections_count_what_connected_never_one_sided_interest(app, world, past_event) -> None:
    event, people, host = world["event"], world["people"], world["host"]
    with app.app_context():
        ended = db.session.get(Event, event.id).ends_at
    _connect(app, event, people[0], people[1], at=ended + timedelta(days=1))
    _connect(app, event, people[2], people[3], at=ended + timedelta(days=6, hours=23))
    _connect(app, event, people[4], people[5], at=ended + timedelta(days=8))
    elsewhere = past_event(people[0], people[2])
    _connect(app, elsewhere, people[0], people[2], at=ended)
    with app.app_context():  # one-sided ticks and unanswered requests count nowhere
        db.session.add(StayInTouch(ticker_id=people[0].id, ticked_id=people[4].id,
                                   event_id=event.id))  # fmt: skip
        db.session.add(ConnectionRequest(requester_id=people[1].id, addressee_id=people[5].id,
                                         event_id=event.id))  # fmt: skip
        db.session.commit()
    text = _text(app, host, f"/events/{event.slug}/report")
    assert "<dt>In the first week</dt><dd>2</dd>" in text
    assert "<dt>In total</dt><dd>3</dd>" in text
    rows = _csv(app, host, event.slug)
    assert _figure(rows, "connections in the first week") == "2"
    assert _figure(rows, "connections in total") == "3"


def test_the_report_compares_earlier_editions_the_viewer_hosts(
    app, make_user, past_event, answer
) -> None:
    host, cohost = make_user(), make_user()
    people = [make_user() for _ in range(4)]
    first = past_event(*people[:2], not_attended=(people[2],), creator=host, title="Breakfast")
    _connect(app, first, people[0], people[1], at=utcnow())
    with app.app_context():  # the next edition, copied, its co-host added, then held
        copy = lifecycle.copy_event(db.session.get(User, host.id), db.session.get(Event, first.id),
                                 weeks=1)  # fmt: skip
        assert copy.previous_edition_id == first.id
        db.session.commit()
        second_id = copy.id
    with app.app_context():
        db.session.execute(update(Event).where(Event.id == second_id)
                           .values(status="published"))  # fmt: skip
        db.session.commit()
        second = db.session.get(Event, second_id)
        slug = second.slug
        for person in people:
            db.session.add(Rsvp(event_id=second_id, user_id=person.id, status=RsvpStatus.GOING,
                                is_person_listed=True))  # fmt: skip
        db.session.add(EventHost(event_id=second_id, user_id=cohost.id, role=HostRole.COHOST))
        end = utcnow() - timedelta(hours=1)
        second.starts_at, second.ends_at = end - timedelta(hours=2), end
        db.session.commit()
    for person in people[:2]:
        answer(person, first, rating=4, signed=True)
    text = _text(app, host, f"/events/{slug}/report")
    assert "Across the series" in text and "Breakfast" in text
    rows = _csv(app, host, slug)
    editions = rows[rows.index(["edition", "starts", "going", "attended", "no-shows",
                                "average rating", "connections per attendee"]) + 1 :]  # fmt: skip
    assert [row[2:] for row in editions] == [
        ["4", "4", "0", "–", "0.0"],  # this edition: no feedback, no connection yet
        ["3", "2", "1", "4.0", "0.5"],
    ]
    # A co-host of the new edition only does not see the earlier one.
    assert "Across the series" not in _text(app, cohost, f"/events/{slug}/report")


def _crowd(app, event, size: int) -> None:
    """`size` people who went to `event`, all checked in, each with anonymous
    feedback, and a connection for every two of them."""
    with app.app_context():
        now = utcnow()
        ids = db.session.scalars(
            insert(User).returning(User.id),
            [
                {
                    "email": f"crowd{event.id}-{n}@example.org",
                    "display_name": f"Crowd {n}",
                    "password_hash": "!",
                }
                for n in range(size)
            ],
        ).all()
        db.session.execute(insert(Rsvp), [
            {"event_id": event.id, "user_id": user_id, "status": RsvpStatus.GOING,
             "checked_in_at": now, "is_person_listed": True} for user_id in ids
        ])  # fmt: skip
        db.session.execute(insert(Feedback), [
            {"event_id": event.id, "user_id": user_id, "rating": 1 + n % 5,
             "is_coming_again": n % 2 == 0, "comment": f"Comment {n}"}
            for n, user_id in enumerate(ids)
        ])  # fmt: skip
        pairs = sorted(ids)
        db.session.execute(insert(Connection), [
            {"first_id": pairs[n], "second_id": pairs[n + 1], "event_id": event.id,
             "created_at": now} for n in range(0, len(pairs) - 1, 2)
        ])  # fmt: skip
        db.session.commit()


def test_the_report_costs_the_same_queries_for_1000_people(
    app, make_user, past_event, count_queries
) -> None:
    host = make_user()
    small, big = past_event(creator=host), past_event(creator=host)
    _crowd(app, small, 3)
    _crowd(app, big, 1000)
    _close_feedback(app, big)
    client = _client(app, host)

    def cost(event) -> int:
        paths = [f"/events/{event.slug}/report", f"/events/{event.slug}/report.csv"]
        for path in paths:
            assert client.get(path).status_code == 200
        with count_queries() as queries:
            for path in paths:
                client.get(path)
        return queries.count

    assert cost(small) == cost(big)
    text = _text(app, host, f"/events/{big.slug}/report")
    assert "<dt>Attended</dt><dd>1000</dd>" in text
    assert "<dt>Answers</dt><dd>1000</dd>" in text
    assert "<dt>In total</dt><dd>500</dd>" in text


def test_the_demos_past_event_has_a_filled_report(app, runner) -> None:
    assert runner.invoke(args=["meetup", "seed-demo"]).exit_code == 0
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.title == "Climate data hack evening"))
        ben = db.session.scalar(select(User).where(User.email == "ben@example.org"))
        db.session.expunge_all()
    text = _text(app, ben, f"/events/{event.slug}/report")
    assert "<dt>Attended</dt><dd>4</dd>" in text
    # Feedback is still open: the signed answer alone, and when the rest come.
    assert "<dt>Answers</dt><dd>1</dd>" in text
    assert "Great mix of data people and climate founders." in text
    assert "Anonymous answers are shown once feedback closes on" in text
    assert "The room was too loud for conversations." not in text
    assert "<dt>In total</dt><dd>1</dd>" in text
    # Last month's breakfast closed with five anonymous answers: one batch.
    with app.app_context():
        october = db.session.scalar(
            select(Event).where(Event.title == "Engineering leadership breakfast (October)")
        )
        ada = db.session.scalar(select(User).where(User.email == "ada@example.org"))
        db.session.expunge_all()
    text = _text(app, ada, f"/events/{october.slug}/report")
    assert "<dt>Answers</dt><dd>6</dd>" in text
    assert "I left with two mentors to follow up." in text
