""" "I'd like to stay in touch", end to end: the window, who may tick whom,
mutual ticks connecting once, the signed link's page, and a one-sided tick
showing nowhere."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from meetup.extensions import db
from meetup.models import (
    Connection,
    ConnectionRequest,
    Event,
    RequestStatus,
    Rsvp,
    StayInTouch,
    User,
)
from meetup.models.types import utcnow
from meetup.services.connections import ticks
from meetup.services.rsvps import replying
from tests.plugins.app import sign_in

PASSWORD = "correct horse battery"


@pytest.fixture
def people(app, make_user):
    """Ada and Grace, members, and a signed-in client for each."""
    ada = make_user(email="ada@example.org", display_name="Ada Lovelace")
    grace = make_user(email="grace@example.org", display_name="Grace Hopper")
    return ada, grace, _client(app, ada), _client(app, grace)


def _client(app, person: User):
    client = app.test_client()
    sign_in(client, person)
    return client


def _set(app, user: User, **values) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(**values))
        db.session.commit()


def _event(
    app, make_event, *going: User, started_ago=timedelta(hours=1), hidden=(), checked_in=(),
    **details,
) -> Event:  # fmt: skip
    """An event everyone in `going` replied "going" to (listed, unless in
    `hidden`), moved to have started `started_ago` (it lasts two hours)."""
    event = make_event(
        title="Founders breakfast", **{"directory_visibility": "everyone", **details}
    )
    hidden_ids = {person.id for person in hidden}
    with app.app_context():
        for person in going:
            choice = "hidden" if person.id in hidden_ids else "shown"
            replying.respond(db.session.get(User, person.id), db.session.get(Event, event.id),
                             replying.Reply(going=True, directory_choice=choice))  # fmt: skip
        for person in checked_in:
            db.session.execute(
                update(Rsvp)
                .where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
                .values(checked_in_at=utcnow())
            )
        start = utcnow() - started_ago
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(starts_at=start, ends_at=start + timedelta(hours=2))
        )
        db.session.commit()
    return event


def _tick(client, event: Event, person: User, want: str = "yes"):
    return client.submit(
        f"/events/{event.slug}/people/{person.id}/stay-in-touch",
        {"want": want},
        page=f"/events/{event.slug}/people",
    )


def _count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _ticks_of(app, ticker: User) -> int:
    return _count(app, StayInTouch, StayInTouch.ticker_id == ticker.id)


def _tick_button(page_html: str, person: User) -> str | None:
    """The tick form's button text on `person`'s card, or None without one."""
    match = re.search(
        rf'/people/{person.id}/stay-in-touch".*?<button[^>]*>(.*?)</button>', page_html, re.S
    )
    return match.group(1) if match else None


@pytest.mark.parametrize(
    ("started_ago", "allowed"),
    [
        (timedelta(hours=-1), False),  # starts in an hour
        (timedelta(minutes=5), True),  # under way
        (timedelta(days=29), True),  # ended 29 days ago
        (timedelta(days=30, hours=3), False),  # ended 30 days and an hour ago
    ],
)
def test_ticks_only_from_the_start_until_thirty_days_after_the_end(
    app, people, make_event, started_ago, allowed
) -> None:
    ada, grace, ada_client, _ = people
    event = _event(app, make_event, ada, grace, started_ago=started_ago)
    page = ada_client.get(f"/events/{event.slug}/people").get_data(as_text=True)
    assert (_tick_button(page, grace) is not None) == allowed
    assert _tick(ada_client, event, grace).status_code == 303
    assert _ticks_of(app, ada) == (1 if allowed else 0)
    if allowed:
        page = ada_client.get(f"/events/{event.slug}/people").get_data(as_text=True)
        assert "Staying in touch" in _tick_button(page, grace)
    else:
        page = ada_client.get(f"/events/{event.slug}/people").get_data(as_text=True)
        assert "until 30 days after its end" in page  # the refusal, flashed


def test_only_people_who_attended_tick(app, people, make_user, make_event) -> None:
    ada, grace, ada_client, grace_client = people
    carl, dan = make_user(display_name="Carl"), make_user(display_name="Dan")
    stranger = make_user(display_name="Stranger")
    # Half of those going were checked in: after the end only they attended.
    event = _event(app, make_event, ada, grace, carl, dan, started_ago=timedelta(days=2),
                   checked_in=(grace, carl))  # fmt: skip
    assert _tick(ada_client, event, grace).status_code == 303
    assert _ticks_of(app, ada) == 0  # ada was not checked in
    assert _tick(grace_client, event, ada).status_code == 303
    assert _ticks_of(app, grace) == 1  # ada is still shown in the directory
    stranger_client = _client(app, stranger)
    assert _tick(stranger_client, event, grace).status_code == 303
    assert _ticks_of(app, stranger) == 0

    # During the event, going is enough (check-in is still under way).
    during = _event(app, make_event, ada, grace, carl, dan, checked_in=(grace, carl))
    assert _tick(ada_client, during, grace).status_code == 303
    assert _count(app, StayInTouch, StayInTouch.event_id == during.id) == 1


def test_only_people_shown_to_the_ticker_as_an_attendee(app, people, make_user, make_event) -> None:
    ada, grace, ada_client, grace_client = people
    hidden = _event(app, make_event, ada, grace, hidden=(grace,))
    assert _tick(ada_client, hidden, grace).status_code == 404
    assert _tick(ada_client, hidden, ada).status_code == 404  # oneself
    assert _tick(ada_client, hidden, make_user()).status_code == 404  # not going

    # A host (going, as an ordinary attendee) sees every reply but ticks
    # only whom the directory shows an attendee: nobody, here.
    host = make_user(display_name="Hostess")
    hosts_only = _event(app, make_event, host, grace, creator=host,
                        directory_visibility="hosts")  # fmt: skip
    host_client = _client(app, host)
    assert "Grace Hopper" in host_client.get(f"/events/{hosts_only.slug}/people").get_data(
        as_text=True
    )
    assert _tick(host_client, hosts_only, grace).status_code == 404
    host_hidden = _event(app, make_event, host, grace, creator=host, hidden=(grace,))
    page = host_client.get(f"/events/{host_hidden.slug}/people").get_data(as_text=True)
    assert "Grace Hopper" in page and _tick_button(page, grace) is None
    assert _tick(host_client, host_hidden, grace).status_code == 404

    # Never across a block, either way.
    event = _event(app, make_event, ada, grace)
    grace_client.submit(f"/people/{ada.id}/block", {}, page=f"/people/{ada.id}")
    assert _tick(ada_client, event, grace).status_code == 404
    assert _tick(grace_client, event, ada).status_code == 404
    assert _count(app, StayInTouch) == 0


def test_mutual_ticks_connect_once_and_tell_each_once(app, people, make_event, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    _set(app, grace, is_email_shared_with_connections=True)
    event = _event(app, make_event, ada, grace)
    ada_client.submit(f"/people/{grace.id}/connect", {})  # a request, still waiting
    before = len(outbox.messages())

    assert _tick(ada_client, event, grace).status_code == 303
    assert _count(app, Connection) == 0
    assert len(outbox.messages()) == before
    assert _tick(grace_client, event, ada).status_code == 303
    # A double submit, by both: nothing more.
    assert _tick(grace_client, event, ada).status_code == 303
    assert _tick(ada_client, event, grace).status_code == 303

    with app.app_context():
        connection = db.session.scalar(select(Connection))
        assert connection.event_id == event.id  # remembering the event
        request = db.session.scalar(select(ConnectionRequest))
        assert request.status == RequestStatus.ACCEPTED  # settled, not dangling
    assert _count(app, Connection) == 1
    for person, other in ((ada, grace), (grace, ada)):
        mails = [m for m in outbox.messages(person.email) if m.template.startswith("stay_in")]
        assert len(mails) == 1
        assert "connection_accepted" not in [m.template for m in outbox.messages(person.email)]
        assert [m.template for m in mails] == ["stay_in_touch_mutual"]
        assert mails[0].subject == f"You and {other.display_name} both wanted to stay in touch"
        assert mails[0].user_id == person.id
        assert mails[0].context["event_title"] == "Founders breakfast"
    # The address only where its owner allows it: Grace does, Ada does not.
    assert outbox.last("ada@example.org").context["email"] == "grace@example.org"
    assert outbox.last("grace@example.org").context["email"] == ""
    assert "Ada Lovelace" in grace_client.get("/connections").get_data(as_text=True)
    assert 'aria-label="1 request waiting"' not in grace_client.get("/").get_data(as_text=True)


def test_ticks_pair_up_within_one_event_only(app, people, make_event, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    first = _event(app, make_event, ada, grace)
    second = _event(app, make_event, ada, grace)
    before = len(outbox.messages())
    _tick(ada_client, first, grace)
    _tick(grace_client, second, ada)
    assert _count(app, Connection) == 0
    assert len(outbox.messages()) == before


def test_already_connected_get_nothing_new(app, people, make_event, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    ada_client.submit(f"/people/{grace.id}/connect", {})
    grace_client.submit(f"/people/{ada.id}/connect", {})
    event = _event(app, make_event, ada, grace)
    before = len(outbox.messages())
    _tick(ada_client, event, grace)
    _tick(grace_client, event, ada)
    assert _count(app, Connection) == 1
    assert len(outbox.messages()) == before


def test_untick(app, people, make_event, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    event = _event(app, make_event, ada, grace)
    before = len(outbox.messages())
    _tick(ada_client, event, grace)
    assert _tick(ada_client, event, grace, want="no").status_code == 303
    assert _tick(ada_client, event, grace, want="no").status_code == 303  # twice: no change
    page = ada_client.get(f"/events/{event.slug}/people").get_data(as_text=True)
    assert "stay in touch" in _tick_button(page, grace)
    _tick(grace_client, event, ada)
    assert _count(app, Connection) == 0
    assert len(outbox.messages()) == before


def test_removing_a_connection_forgets_the_ticks(app, people, make_event, outbox) -> None:
    ada, grace, ada_client, grace_client = people
    event = _event(app, make_event, ada, grace)
    _tick(ada_client, event, grace)
    _tick(grace_client, event, ada)
    ada_client.submit(f"/connections/{grace.id}/remove", {}, page="/connections")
    _tick(grace_client, event, ada, want="no")
    _tick(grace_client, event, ada)  # Ada's tick went with the connection she removed
    assert _count(app, Connection) == 0


def _link(app, ticker: User, person: User, event: Event) -> str:
    with app.app_context():
        url = ticks.tick_link_url(
            db.session.get(User, ticker.id), db.session.get(User, person.id),
            db.session.get(Event, event.id),
        )  # fmt: skip
    assert url.startswith("http://localhost/stay-in-touch/")
    return url.removeprefix("http://localhost")


def test_the_signed_link_asks_on_get_and_ticks_on_post(app, people, make_event) -> None:
    ada, grace, ada_client, grace_client = people
    event = _event(app, make_event, ada, grace, started_ago=timedelta(days=1))
    link = _link(app, ada, grace, event)

    page = ada_client.get(link)
    assert page.status_code == 200
    assert "Stay in touch with Grace Hopper?" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    assert _count(app, StayInTouch) == 0  # a GET changes nothing
    assert ada_client.submit(link, {}, page=link).status_code == 303
    assert _ticks_of(app, ada) == 1
    assert ada_client.submit(link, {}, page=link).status_code == 303  # twice: one tick
    assert _ticks_of(app, ada) == 1
    assert "You ticked Grace Hopper" in ada_client.get(link).get_data(as_text=True)

    # Someone else's link says nothing; so does a forged one.
    for client, url in ((grace_client, link), (ada_client, link[:-3] + "abc")):
        for response in (client.get(url), client.submit(url, {}, page=url)):
            assert response.status_code == 404
            body = response.get_data(as_text=True)
            assert "Stay in touch" not in body and "Founders breakfast" not in body
            assert "Ada Lovelace" not in body if client is grace_client else "Grace" not in body
    assert _count(app, StayInTouch) == 1
    # Logged out: log in first.
    assert app.test_client().get(link).status_code == 302


def test_an_expired_link_says_nothing(app, people, make_event, monkeypatch) -> None:
    ada, grace, ada_client, _ = people
    event = _event(app, make_event, ada, grace)
    link = _link(app, ada, grace, event)
    monkeypatch.setattr(ticks, "LINK_LIFETIME", timedelta(seconds=-1))
    assert ada_client.get(link).status_code == 404
    assert ada_client.submit(link, {}, page=link).status_code == 404
    assert _count(app, StayInTouch) == 0


def _normalised(html: str) -> str:
    """A page without what changes on every request (CSRF tokens)."""
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)


def test_a_one_sided_tick_shows_nowhere_and_sends_nothing(
    app, people, make_user, make_event, outbox
) -> None:
    ada, grace, ada_client, grace_client = people
    host = make_user(display_name="Hostess")
    event = _event(app, make_event, ada, grace, creator=host)
    host_client = _client(app, host)
    slug = event.slug
    surfaces = {
        grace_client: ["/", f"/events/{slug}", f"/events/{slug}/people", f"/people/{ada.id}",
                       "/connections", "/connections/requests", "/my/events"],
        host_client: [f"/events/{slug}/people", f"/events/{slug}/people.csv",
                      f"/events/{slug}/replies", f"/events/{slug}/replies.csv",
                      f"/events/{slug}/dashboard", f"/people/{ada.id}"],
    }  # fmt: skip

    def seen() -> dict[tuple[int, str], str]:
        return {
            (id(client), url): _normalised(client.get(url).get_data(as_text=True))
            for client, urls in surfaces.items()
            for url in urls
        }

    mail_before = len(outbox.messages())
    grace_data_before = json.loads(grace_client.get("/account/data.json").get_data(as_text=True))
    before = seen()
    assert _tick(ada_client, event, grace).status_code == 303
    assert _ticks_of(app, ada) == 1
    assert seen() == before  # byte for byte, for Grace and for the host

    grace_data = json.loads(grace_client.get("/account/data.json").get_data(as_text=True))
    assert grace_data["stay_in_touch"] == []
    for data in (grace_data_before, grace_data):
        data.pop("exported_at")
    assert grace_data == grace_data_before
    assert len(outbox.messages()) == mail_before
    # Only Ada's own data lists it.
    ada_data = json.loads(ada_client.get("/account/data.json").get_data(as_text=True))
    assert [(t["person"], t["event"]) for t in ada_data["stay_in_touch"]] == [
        ("Grace Hopper", "Founders breakfast")
    ]


def test_blocks_remove_the_blockers_ticks_silently(
    app, people, make_user, make_event, outbox
) -> None:
    ada, grace, ada_client, grace_client = people
    carl = make_user(display_name="Carl")
    event = _event(app, make_event, ada, grace, carl)
    before = len(outbox.messages())
    _tick(ada_client, event, grace)
    _tick(grace_client, event, carl)
    grace_client.submit(f"/people/{ada.id}/block", {}, page=f"/people/{ada.id}")
    # The blocked person's tick stays in their own My data, as it would if
    # Grace were not listed (a block is silent to Ada); the ticks of others stay.
    assert _ticks_of(app, ada) == 1
    assert _ticks_of(app, grace) == 1
    # Inert while the block lasts: neither can tick the other.
    assert _tick(grace_client, event, ada).status_code == 404
    assert _tick(ada_client, event, grace).status_code == 404
    # The blocker's own ticks of the person blocked go.
    grace_client.submit(f"/people/{carl.id}/block", {}, page=f"/people/{carl.id}")
    assert _ticks_of(app, grace) == 0
    assert _count(app, Connection) == 0
    assert len(outbox.messages()) == before


def test_deleting_an_account_removes_its_ticks_and_the_ticks_of_it(
    app, people, make_user, make_event
) -> None:
    ada, grace, ada_client, grace_client = people
    carl = make_user(display_name="Carl")
    event = _event(app, make_event, ada, grace, carl)
    _tick(ada_client, event, grace)
    _tick(grace_client, event, ada)  # connected: both ticks stay
    _tick(_client(app, carl), event, ada)
    assert _count(app, StayInTouch) == 3
    assert ada_client.submit("/account/delete", {"password": PASSWORD}).status_code == 303
    assert _count(app, StayInTouch) == 0


def test_a_new_connection_after_a_removed_one_is_told(app, people, make_user, make_event, outbox):
    """SQLite gives a removed connection's id to the next: the email's key
    must not make the next connection silent."""
    ada, grace, ada_client, grace_client = people
    carl = make_user(display_name="Carl")
    carl_client = _client(app, carl)
    event = _event(app, make_event, ada, grace, carl)
    _tick(ada_client, event, grace)
    _tick(grace_client, event, ada)
    ada_client.submit(f"/connections/{grace.id}/remove", {}, page="/connections")
    _tick(ada_client, event, carl)
    _tick(carl_client, event, ada)
    told = [m for m in outbox.messages(ada.email) if m.template == "stay_in_touch_mutual"]
    assert [m.subject for m in told] == [
        "You and Grace Hopper both wanted to stay in touch",
        "You and Carl both wanted to stay in touch",
    ]
