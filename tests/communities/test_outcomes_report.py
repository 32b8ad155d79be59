"""The community's report, the outcomes of its events across editions: who
sees it (a matrix), its figures per event and in total, the anonymity rule
of the event's own report, and a query count that does not grow with the
number of events or people."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, update

from meetup.extensions import db
from meetup.models import (
    Connection,
    ConnectionRequest,
    Event,
    EventHost,
    EventStatus,
    Feedback,
    MembershipState,
    Rsvp,
    RsvpStatus,
    StayInTouch,
    User,
)
from meetup.models.types import utcnow
from meetup.services.outcomes import feedback
from tests.plugins.app import sign_in


def _client(app, user):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


def _text(app, user, path) -> str:
    return _client(app, user).get(path).get_data(as_text=True)


def _row(text: str, title: str) -> list[str]:
    """The cells of the events table's row for `title`, as text."""
    row = next(row for row in text.split("<tr>") if f">{title}</a>" in row)
    return [re.sub(r"<[^>]+>", " ", cell).split()[0] for cell in row.split("<td>")[2:]]


def _csv(app, user, slug: str) -> list[list[str]]:
    body = _text(app, user, f"/communities/{slug}/report.csv")
    return list(csv.reader(io.StringIO(body)))


def _stat(text: str, name: str) -> str:
    return re.search(rf"<dt>{name}</dt><dd>([^<]*)</dd>", text).group(1)


def _connect(app, event, first, second) -> None:
    with app.app_context():
        low, high = sorted((first.id, second.id))
        db.session.add(Connection(first_id=low, second_id=high, event_id=event.id))
        db.session.commit()


def _close_feedback(app, event) -> None:
    with app.app_context():
        end = utcnow() - timedelta(days=feedback.FEEDBACK_DAYS, hours=1)
        db.session.execute(update(Event).where(Event.id == event.id)
                           .values(starts_at=end - timedelta(hours=2), ends_at=end))  # fmt: skip
        db.session.execute(update(EventHost).where(EventHost.event_id == event.id)
                           .values(added_at=end - timedelta(days=60)))  # fmt: skip
        db.session.commit()


@pytest.fixture
def world(app, make_user, make_community, make_member, past_event, put_in_community):
    admin = make_user(display_name="Ada Admin")
    community = make_community(admins=(admin,), name="Paris UX Nights")
    people = [make_user(display_name=f"Guest {name}") for name in "ABCDEF"]
    for person in people:
        make_member(community, person)
    missed = make_user(display_name="Milo Missed")
    march = put_in_community(
        past_event(*people, not_attended=(missed,), creator=admin, title="March night",
                   ended_days_ago=3),
        community,
    )  # fmt: skip
    april = put_in_community(
        past_event(*people[:3], creator=admin, title="April night", ended_days_ago=1),
        community,
        members_only=True,
    )
    roles = {"anonymous": None, "stranger": make_user(), "member": people[0], "admin": admin}
    for state in (MembershipState.PENDING, MembershipState.REMOVED, MembershipState.BLOCKED):
        roles[state.value] = make_user()
        make_member(community, roles[state.value], state)
    return {"community": community, "people": people, "march": march, "april": april,
            "admin": admin, **roles}  # fmt: skip


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("stranger", 403), ("pending", 403), ("removed", 403),
     ("blocked", 403), ("member", 403), ("admin", 200)],
)  # fmt: skip
@pytest.mark.parametrize("path", ["/communities/{slug}/report", "/communities/{slug}/report.csv"])
def test_only_admins_see_the_report(app, world, role, status, path) -> None:
    response = _client(app, world[role]).get(path.format(slug=world["community"].slug))
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]
    if status == 403:
        assert "Only this community&#39;s admins" in response.get_data(as_text=True)
    if status == 200:
        assert response.headers["Cache-Control"] == "private, no-store"


def test_an_unknown_community_is_not_found(app, world) -> None:
    client = _client(app, world["admin"])
    assert client.get("/communities/nowhere/report").status_code == 404
    assert client.get("/communities/nowhere/report.csv").status_code == 404


def test_an_admin_of_another_community_is_refused(app, world, make_user, make_community) -> None:
    other_admin = make_user()
    make_community(admins=(other_admin,))
    path = f"/communities/{world['community'].slug}/report"
    assert _client(app, other_admin).get(path).status_code == 403


def test_each_past_event_its_attendance_and_the_totals(app, world, make_event, put_in_community):
    community, people = world["community"], world["people"]
    # Check-in not taken seriously at April (fewer than half): everyone going attended.
    with app.app_context():
        db.session.execute(update(Rsvp).where(Rsvp.event_id == world["april"].id,
                                              Rsvp.user_id != people[0].id)
                           .values(checked_in_at=None))  # fmt: skip
        db.session.commit()
    # Neither an upcoming event, a draft, nor another community's event counts.
    put_in_community(make_event(creator=world["admin"], title="May night"), community)
    put_in_community(
        make_event(creator=world["admin"], title="Draft night", publish=False), community
    )
    make_event(title="Unrelated night")
    text = _text(app, world["admin"], f"/communities/{community.slug}/report")
    assert "May night" not in text and "Draft night" not in text and "Unrelated" not in text
    # Latest first; April is for members only.
    assert text.index("April night") < text.index("March night")
    assert "Members only" in text.split("April night")[1].split("</td>")[0]
    # going, attended, checked in, answers, rating, again, connections, per attendee
    assert _row(text, "March night")[:3] == ["7", "6", "6"]
    assert _row(text, "April night")[:3] == ["3", "3", "1"]
    assert _stat(text, "Events") == "2"
    assert _stat(text, "Going") == "10"
    assert _stat(text, "Attended") == "9"
    assert _stat(text, "Checked in") == "7"
    assert _stat(text, "People who came") == "6"
    assert _stat(text, "Came back") == "3"
    # Each event links to its own report, which the admin (a host) opens.
    assert f'href="/events/{world["march"].slug}/report"' in text


def test_feedback_follows_the_events_reports_anonymity_rule(app, world, answer) -> None:
    march, april, people = world["march"], world["april"], world["people"]
    answer(people[0], march, rating=5, comment="Signed and happy", signed=True)
    for person, rating in zip(people[1:6], (1, 2, 4, 4, 5), strict=True):
        answer(person, march, rating=rating, again=rating > 2)
    answer(people[0], april, rating=2, again=False, signed=True)
    answer(people[1], april, rating=5)  # anonymous, window still open: hidden
    path = f"/communities/{world['community'].slug}/report"
    before = _text(app, world["admin"], path)
    assert _row(before, "March night")[3:6] == ["1", "5.0", "100%"]
    assert "signed only" in before.split("March night")[1].split("</tr>")[0]
    _close_feedback(app, march)  # five anonymous answers from guests: released
    text = _text(app, world["admin"], path)
    assert _row(text, "March night")[3:6] == ["6", "3.5", "67%"]
    assert "signed only" not in text.split("March night")[1].split("</tr>")[0]
    assert _row(text, "April night")[3:6] == ["1", "2.0", "0%"]
    assert _stat(text, "Feedback answers") == "7"
    assert _stat(text, "Average rating") == "3.3"  # (21 + 2) / 7
    assert "counts signed answers only" in text  # April's still does
    assert "Signed and happy" not in text  # comments stay on each event's report
    for person in people:
        assert person.display_name not in text
    rows = _csv(app, world["admin"], world["community"].slug)
    assert rows[1][0] == "April night" and rows[1][2] == "yes"
    assert rows[2][0] == "March night" and rows[2][6:10] == ["6", "yes", "3.5", "67%"]
    assert rows[1][6:10] == ["1", "no", "2.0", "0%"]
    totals = dict(row for row in rows[rows.index(["total", "value"]) + 1 :])
    assert totals["feedback answers"] == "7" and totals["average rating"] == "3.3"
    body = _text(app, world["admin"], f"/communities/{world['community'].slug}/report.csv")
    assert "Signed and happy" not in body


def test_connections_count_what_connected_never_one_sided_interest(app, world) -> None:
    march, april, people = world["march"], world["april"], world["people"]
    _connect(app, march, people[0], people[1])
    _connect(app, march, people[2], people[3])
    _connect(app, april, people[0], people[2])
    with app.app_context():
        db.session.add(StayInTouch(ticker_id=people[4].id, ticked_id=people[5].id,
                                   event_id=march.id))  # fmt: skip
        db.session.add(ConnectionRequest(requester_id=people[5].id, addressee_id=people[1].id,
                                         event_id=march.id))  # fmt: skip
        db.session.commit()
    text = _text(app, world["admin"], f"/communities/{world['community'].slug}/report")
    assert _row(text, "March night")[6:] == ["2", "0.3"]
    assert _row(text, "April night")[6:] == ["1", "0.3"]
    assert _stat(text, "Connections made") == "3"


def test_a_community_without_past_events_says_so(app, make_user, make_community) -> None:
    admin = make_user()
    community = make_community(admins=(admin,))
    text = _text(app, admin, f"/communities/{community.slug}/report")
    assert "No past events yet" in text


def _crowd(app, community, admin, past_event, put_in_community, *, events: int, size: int):
    """`events` past events of `community`, each with `size` people who came
    (checked in), anonymous feedback from each, a connection for every two."""
    for number in range(events):
        event = put_in_community(past_event(creator=admin, title=f"Edition {number}"), community)
        with app.app_context():
            now = utcnow()
            ids = db.session.scalars(
                insert(User).returning(User.id),
                [{"email": f"crowd{event.id}-{n}@example.org", "display_name": f"Crowd {n}",
                  "password_hash": "!"} for n in range(size)],
            ).all()  # fmt: skip
            db.session.execute(insert(Rsvp), [
                {"event_id": event.id, "user_id": user_id, "status": RsvpStatus.GOING,
                 "checked_in_at": now, "is_person_listed": True} for user_id in ids
            ])  # fmt: skip
            db.session.execute(insert(Feedback), [
                {"event_id": event.id, "user_id": user_id, "rating": 4, "is_coming_again": True}
                for user_id in ids
            ])  # fmt: skip
            pairs = sorted(ids)
            db.session.execute(insert(Connection), [
                {"first_id": pairs[n], "second_id": pairs[n + 1], "event_id": event.id,
                 "created_at": now} for n in range(0, len(pairs) - 1, 2)
            ])  # fmt: skip
            db.session.commit()


def test_the_report_costs_the_same_queries_for_more_events_and_people(
    app, make_user, make_community, past_event, put_in_community, count_queries
) -> None:
    small_admin, big_admin = make_user(), make_user()
    small = make_community(admins=(small_admin,))
    big = make_community(admins=(big_admin,))
    _crowd(app, small, small_admin, past_event, put_in_community, events=1, size=2)
    _crowd(app, big, big_admin, past_event, put_in_community, events=6, size=40)

    def cost(community, admin) -> int:
        client = _client(app, admin)
        paths = [
            f"/communities/{community.slug}/report",
            f"/communities/{community.slug}/report.csv",
        ]
        for path in paths:
            assert client.get(path).status_code == 200
        with count_queries() as queries:
            for path in paths:
                client.get(path)
        return queries.count

    assert cost(small, small_admin) == cost(big, big_admin)
    text = _text(app, big_admin, f"/communities/{big.slug}/report")
    assert _stat(text, "Events") == "6"
    assert _stat(text, "Attended") == "240"
    assert _stat(text, "Connections made") == "120"


def test_a_cancelled_event_is_no_edition(app, world) -> None:
    with app.app_context():
        db.session.execute(update(Event).where(Event.id == world["april"].id)
                           .values(status=EventStatus.CANCELLED))  # fmt: skip
        db.session.commit()
    text = _text(app, world["admin"], f"/communities/{world['community'].slug}/report")
    assert "April night" not in text and _stat(text, "Events") == "1"
