"""Connections end to end: ask, answer, my network, blocks, vCards, My data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import vobject
from sqlalchemy import func, select, update

from meetup.extensions import db
from meetup.models import (
    Connection,
    ConnectionRequest,
    Event,
    ProfileVisibility,
    RequestStatus,
    Rsvp,
    User,
)
from meetup.models.types import utcnow
from meetup.services.connections import asking
from meetup.services.rsvps import attendance, replying
from tests.plugins.app import sign_in


@pytest.fixture
def people(app, make_user):
    """Ada and Grace, members with members-only profiles, and a client for each."""
    ada = make_user(email="ada@example.org", display_name="Ada Lovelace")
    grace = make_user(email="grace@example.org", display_name="Grace Hopper")
    clients = {}
    for person in (ada, grace):
        client = app.test_client()
        sign_in(client, person)
        clients[person.email] = client
    return ada, grace, clients["ada@example.org"], clients["grace@example.org"]


def _set(app, user: User, **values) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(**values))
        db.session.commit()


def _attend_past_event(app, make_event, *people: User, checked_in: tuple = ()) -> Event:
    """An event everyone in `people` went to, moved into the past."""
    event = make_event(title="Founders breakfast")
    with app.app_context():
        for person in people:
            replying.respond(db.session.get(User, person.id), db.session.get(Event, event.id),
                             replying.Reply(going=True))  # fmt: skip
        for person in checked_in:
            db.session.execute(
                update(Rsvp)
                .where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
                .values(checked_in_at=utcnow())
            )
        start = utcnow() - timedelta(days=2)
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(starts_at=start, ends_at=start + timedelta(hours=2))
        )
        db.session.commit()
    return event


def _count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _request_id(app, asker: User, person: User) -> int:
    with app.app_context():
        return db.session.scalar(
            select(ConnectionRequest.id).where(
                ConnectionRequest.requester_id == asker.id,
                ConnectionRequest.addressee_id == person.id,
            )
        )


def test_ask_answer_and_meet_in_my_network(app, people, make_event, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    _attend_past_event(app, make_event, ada, grace)

    form = ada_client.get(f"/people/{grace.id}/connect")
    assert form.status_code == 200  # a GET shows the form, and changes nothing
    assert _count(app, ConnectionRequest) == 0
    response = ada_client.submit(f"/people/{grace.id}/connect", {"note": "Loved your talk."})
    assert response.status_code == 303

    mail = outbox.last("grace@example.org")
    assert mail.template == "connection_request"
    assert mail.user_id == grace.id
    assert mail.context["met_at"] == "Founders breakfast"
    assert mail.context["note"] == "Loved your talk."
    page = grace_client.get("/connections/requests").get_data(as_text=True)
    assert "Ada Lovelace" in page and "Loved your talk." in page
    assert 'aria-label="1 request waiting"' in grace_client.get("/").get_data(as_text=True)

    request_id = _request_id(app, ada, grace)
    response = grace_client.submit(
        f"/connections/requests/{request_id}/accept", {}, page="/connections/requests"
    )
    assert response.status_code == 303
    assert outbox.last("ada@example.org").template == "connection_accepted"
    for client, other in ((ada_client, "Grace Hopper"), (grace_client, "Ada Lovelace")):
        network = client.get("/connections").get_data(as_text=True)
        assert other in network
        assert "Met at" in network and "Founders breakfast" in network
    # Accepting twice changes nothing.
    again = grace_client.submit(
        f"/connections/requests/{request_id}/accept", {}, page="/connections/requests"
    )
    assert again.status_code == 303
    assert _count(app, Connection) == 1
    assert [m.template for m in outbox.messages("ada@example.org")].count(
        "connection_accepted"
    ) == 1


def test_asking_twice_sends_one_request(app, people, outbox) -> None:
    _, grace, ada_client, _ = people
    for _ in range(2):
        assert ada_client.submit(f"/people/{grace.id}/connect", {}).status_code == 303
    assert _count(app, ConnectionRequest) == 1
    assert len(outbox.messages("grace@example.org")) == 1


def test_two_people_asking_each_other_are_connected(app, people, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    ada_client.submit(f"/people/{grace.id}/connect", {})
    grace_client.submit(f"/people/{ada.id}/connect", {})
    assert _count(app, Connection) == 1
    assert _count(app, ConnectionRequest, ConnectionRequest.status == RequestStatus.PENDING) == 0
    assert outbox.last("ada@example.org").template == "connection_accepted"


def test_ignoring_is_silent_and_holds_for_ninety_days(app, people, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    ada_client.submit(f"/people/{grace.id}/connect", {})
    request_id = _request_id(app, ada, grace)
    grace_client.submit(
        f"/connections/requests/{request_id}/ignore", {}, page="/connections/requests"
    )

    assert outbox.messages("ada@example.org") == []
    # To Ada it still looks as if it waits, in the app and in her data.
    assert "Grace Hopper" in ada_client.get("/connections/requests").get_data(as_text=True)
    data = json.loads(ada_client.get("/account/data.json").get_data(as_text=True))
    assert data["connection_requests"]["sent"][0]["status"] == "pending"
    # Withdrawing and asking again does not reach Grace before 90 days.
    ada_client.submit(
        f"/connections/requests/{request_id}/withdraw", {}, page="/connections/requests"
    )
    ada_client.submit(f"/people/{grace.id}/connect", {})
    assert len(outbox.messages("grace@example.org")) == 1
    assert "Ada Lovelace" not in grace_client.get("/connections/requests").get_data(as_text=True)

    with app.app_context():
        db.session.execute(
            update(ConnectionRequest).values(
                created_at=utcnow() - timedelta(days=91), answered_at=utcnow() - timedelta(days=91)
            )
        )
        db.session.commit()
    ada_client.submit(f"/people/{grace.id}/connect", {})
    assert len(outbox.messages("grace@example.org")) == 2


def test_requests_expire_after_ninety_days(app, people) -> None:
    ada, grace, ada_client, grace_client = people
    ada_client.submit(f"/people/{grace.id}/connect", {})
    with app.app_context():
        db.session.execute(
            update(ConnectionRequest).values(created_at=utcnow() - timedelta(days=91))
        )
        db.session.commit()
    assert "Ada Lovelace" not in grace_client.get("/connections/requests").get_data(as_text=True)
    response = grace_client.submit(
        f"/connections/requests/{_request_id(app, ada, grace)}/accept",
        {},
        page="/connections/requests",
    )
    assert response.status_code == 404
    assert _count(app, Connection) == 0


def test_nobody_asks_someone_they_cannot_see(app, people, make_user) -> None:
    ada, grace, ada_client, _ = people
    _set(app, grace, profile_visibility=ProfileVisibility.PRIVATE)
    assert ada_client.get(f"/people/{grace.id}/connect").status_code == 404
    assert ada_client.submit(f"/people/{grace.id}/connect", {}, page="/").status_code == 404
    assert ada_client.get(f"/people/{ada.id}/connect").status_code == 404  # oneself
    assert ada_client.get("/people/999999/connect").status_code == 404
    assert _count(app, ConnectionRequest) == 0


def test_a_directory_that_shows_someone_lets_attendees_ask(app, people, make_event) -> None:
    ada, grace, ada_client, _ = people
    _set(app, grace, profile_visibility=ProfileVisibility.PRIVATE)
    event = make_event(directory_visibility="attendees")
    with app.app_context():
        for person in (ada, grace):
            replying.respond(db.session.get(User, person.id), db.session.get(Event, event.id),
                             replying.Reply(going=True, directory_choice="shown"))  # fmt: skip
        db.session.commit()
    page = ada_client.get(f"/events/{event.slug}/people").get_data(as_text=True)
    assert f"/people/{grace.id}/connect" in page
    assert ada_client.get(f"/people/{grace.id}/connect").status_code == 200


def test_a_host_has_no_extra_right_to_ask(app, people, make_user, make_event) -> None:
    ada, grace, ada_client, _ = people
    _set(app, grace, profile_visibility=ProfileVisibility.PRIVATE)
    event = make_event(creator=ada, directory_visibility="hosts")
    with app.app_context():
        replying.respond(db.session.get(User, grace.id), db.session.get(Event, event.id),
                         replying.Reply(going=True, directory_choice="hidden"))  # fmt: skip
        db.session.commit()
    page = ada_client.get(f"/events/{event.slug}/people").get_data(as_text=True)
    assert "Grace Hopper" in page  # the host sees everyone who replied...
    assert f"/people/{grace.id}/connect" not in page  # ...but may not ask them
    assert ada_client.get(f"/people/{grace.id}/connect").status_code == 404


def test_blocking_hides_both_ways_and_ends_the_connection(app, people, make_event) -> None:
    ada, grace, ada_client, grace_client = people
    event = make_event(directory_visibility="everyone")
    with app.app_context():
        for person in (ada, grace):
            replying.respond(db.session.get(User, person.id), db.session.get(Event, event.id),
                             replying.Reply(going=True, directory_choice="shown"))  # fmt: skip
        db.session.commit()
    ada_client.submit(f"/people/{grace.id}/connect", {})
    grace_client.submit(f"/people/{ada.id}/connect", {})
    assert _count(app, Connection) == 1

    response = grace_client.submit(f"/people/{ada.id}/block", {}, page=f"/people/{ada.id}")
    assert response.status_code == 303
    assert _count(app, Connection) == 0
    for client, other in ((ada_client, grace), (grace_client, ada)):
        client.get("/")  # the flashed answers to their requests, said already
        assert other.display_name not in client.get(f"/events/{event.slug}/people").get_data(
            as_text=True
        )
        assert other.display_name not in client.get("/connections").get_data(as_text=True)
    # Grace, who blocked, sees Ada's members-only profile as a visitor would:
    # not at all. Ada sees Grace's as any member would (a 404 would tell).
    assert grace_client.get(f"/people/{ada.id}").status_code == 404
    assert grace_client.get(f"/people/{ada.id}/connect").status_code == 404
    assert ada_client.get(f"/people/{grace.id}").status_code == 200
    # Ada is not told, and cannot see she was blocked; the host still sees both.
    assert "Grace Hopper" not in ada_client.get("/connections/blocked").get_data(as_text=True)
    host_page = app.test_client()
    sign_in(host_page, event.hosts[0].user)
    replies = host_page.get(f"/events/{event.slug}/replies").get_data(as_text=True)
    assert "Ada Lovelace" in replies and "Grace Hopper" in replies

    grace_client.submit(f"/people/{ada.id}/unblock", {}, page="/connections/blocked")
    assert ada_client.get(f"/people/{grace.id}").status_code == 200


def test_email_and_vcard_hold_only_what_the_person_allows(app, people) -> None:
    ada, grace, ada_client, grace_client = people
    _set(app, grace, headline="Rear admiral", company="US Navy",
         links=["https://example.org/grace"])  # fmt: skip
    ada_client.submit(f"/people/{grace.id}/connect", {})
    grace_client.submit(f"/people/{ada.id}/connect", {})

    card = vobject.readOne(ada_client.get(f"/connections/{grace.id}.vcf").get_data(as_text=True))
    assert card.fn.value == "Grace Hopper"
    assert card.title.value == "Rear admiral"
    assert card.org.value == ["US Navy"]
    assert "email" not in card.contents  # Grace did not allow it
    assert "grace@example.org" not in ada_client.get("/connections").get_data(as_text=True)

    _set(app, grace, is_email_shared_with_connections=True,
         profile_visibility=ProfileVisibility.PRIVATE)  # fmt: skip
    response = ada_client.get(f"/connections/{grace.id}.vcf")
    assert response.headers["Cache-Control"] == "private, no-store"
    card = vobject.readOne(response.get_data(as_text=True))
    assert card.email.value == "grace@example.org"
    assert not {"title", "org", "url"} & set(card.contents)  # "only me": name and email only
    both = ada_client.get("/connections.vcf").get_data(as_text=True)
    assert [c.fn.value for c in vobject.readComponents(both)] == ["Grace Hopper"]
    # Strangers get nothing.
    assert grace_client.get(f"/connections/{grace.id}.vcf").status_code == 404


def test_remove_is_silent_for_both(app, people, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    ada_client.submit(f"/people/{grace.id}/connect", {})
    grace_client.submit(f"/people/{ada.id}/connect", {})
    before = len(outbox.messages())
    assert (
        ada_client.submit(f"/connections/{grace.id}/remove", {}, page="/connections").status_code
        == 303
    )
    assert _count(app, Connection) == 0
    assert len(outbox.messages()) == before
    grace_client.get("/connections")  # the flashed messages of before
    assert "Ada Lovelace" not in grace_client.get("/connections").get_data(as_text=True)


def test_asking_needs_a_confirmed_address(app, make_user) -> None:
    unconfirmed = make_user(verified=False)
    other = make_user()
    client = app.test_client()
    sign_in(client, unconfirmed)
    assert client.get(f"/people/{other.id}/connect").status_code == 404


def test_requests_are_limited_per_day(app, people, make_user, monkeypatch) -> None:
    _, _, ada_client, _ = people
    monkeypatch.setattr(asking, "REQUESTS_PER_DAY", 2)
    others = [make_user() for _ in range(3)]
    statuses = [
        ada_client.submit(f"/people/{other.id}/connect", {}).status_code for other in others
    ]
    assert statuses == [303, 303, 422]
    assert _count(app, ConnectionRequest) == 2


def test_deleting_an_account_removes_its_connections_on_both_sides(app, people) -> None:
    ada, grace, ada_client, grace_client = people
    ada_client.submit(f"/people/{grace.id}/connect", {})
    grace_client.submit(f"/people/{ada.id}/connect", {})
    grace_client.submit(f"/people/{ada.id}/block", {}, page=f"/people/{ada.id}")
    data = json.loads(grace_client.get("/account/data.json").get_data(as_text=True))
    assert [b["person"] for b in data["blocks"]] == ["Ada Lovelace"]
    ada_data = json.loads(ada_client.get("/account/data.json").get_data(as_text=True))
    assert ada_data["blocks"] == []  # who blocked you is never yours to know

    assert (
        ada_client.submit("/account/delete", {"password": "correct horse battery"}).status_code
        == 303
    )
    assert _count(app, Connection) == 0
    assert _count(app, ConnectionRequest) == 0


def test_attended_follows_check_in_when_hosts_took_it(app, make_user, make_event) -> None:
    people = [make_user() for _ in range(4)]
    event = _attend_past_event(app, make_event, *people, checked_in=tuple(people[:2]))
    with app.app_context():
        now = utcnow()
        seen = [attendance.attended(person.id, event.id, now=now) for person in people]
        met = attendance.met_at(people[0].id, [p.id for p in people[1:]], now=now)
    assert seen == [True, True, False, False]  # half checked in: only they count
    assert [len(met[p.id]) for p in people[1:]] == [1, 0, 0]


def test_without_check_in_everyone_going_attended(app, make_user, make_event) -> None:
    people = [make_user() for _ in range(3)]
    event = _attend_past_event(app, make_event, *people, checked_in=(people[0],))
    with app.app_context():
        now = utcnow()
        assert all(attendance.attended(p.id, event.id, now=now) for p in people)
        assert not attendance.attended(people[0].id, event.id, now=now - timedelta(days=3))


def test_withdrawing_and_asking_again_sends_no_second_email(app, people, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    ada_client.submit(f"/people/{grace.id}/connect", {})
    request_id = _request_id(app, ada, grace)
    for _ in range(3):
        ada_client.submit(
            f"/connections/requests/{request_id}/withdraw", {}, page="/connections/requests"
        )
        ada_client.submit(f"/people/{grace.id}/connect", {"note": "Once more"})
    assert len(outbox.messages("grace@example.org")) == 1
    assert _count(app, ConnectionRequest) == 1
    page = grace_client.get("/connections/requests").get_data(as_text=True)
    assert "Ada Lovelace" in page and "Once more" in page


@pytest.mark.parametrize("path", ["/connections", "/connections/requests", "/connections.vcf"])
def test_network_pages_cost_the_same_whatever_the_number_of_people(
    app, people, make_user, make_event, count_queries, path: str
) -> None:
    ada, _, ada_client, _ = people

    def add(count: int) -> None:
        """`count` more connections met at an event, and as many requests."""
        friends = [make_user() for _ in range(count)]
        for friend in friends:  # their email shown: the rule that reads connections
            _set(app, friend, is_email_shared_with_connections=True)
        askers = [make_user() for _ in range(count)]
        _attend_past_event(app, make_event, ada, *friends, *askers)
        with app.app_context():
            me = db.session.get(User, ada.id)
            for friend in friends:
                asking.ask_to_connect(me, friend.id)
                asking.ask_to_connect(db.session.get(User, friend.id), ada.id)
            for asker in askers:
                asking.ask_to_connect(db.session.get(User, asker.id), ada.id)
            db.session.commit()

    def queries() -> int:
        ada_client.get(path)
        with count_queries() as counted:
            assert ada_client.get(path).status_code == 200
        return counted.count

    add(1)
    few = queries()
    add(4)
    assert queries() == few
