"""A personal feed's stored version (User.feed_version, feed_etag): a 304 reads
the reader's row alone, and every change the feed shows, whatever code or
statement makes it, makes the stored digest stale (the database's triggers),
so an old ETag is never answered 304 after it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError

from meetup.extensions import db
from meetup.models import Event, EventHost, EventStatus, Rsvp, RsvpStatus, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.calendar import feeds
from meetup.services.events.event_details import EventDetails
from meetup.services.hosting import hosts, lifecycle
from meetup.services.personal_data import registry
from meetup.services.rsvps import decisions
from tests.plugins.app import DEFAULT_PASSWORD, sign_in

TRIGGERS = {
    "sqlite": {"feed_reply_added", "feed_reply_changed", "feed_reply_removed",
               "feed_hosting_added", "feed_hosting_changed", "feed_hosting_removed",
               "feed_event_changed", "feed_membership_added", "feed_membership_changed",
               "feed_membership_removed"},
    "postgresql": {"feed_reply_left", "feed_reply_joined", "feed_hosting_left",
                   "feed_hosting_joined", "feed_event_changed", "feed_membership_changed"},
}  # fmt: skip


def _token(app, person: User) -> str:
    with app.app_context():
        token = feeds.feed_token(db.session.get(User, person.id))
        db.session.commit()
        return token


class Reader:
    """A calendar client: fetches the feed, keeps the ETag it was given."""

    def __init__(self, app, token: str) -> None:
        self.client, self.url = app.test_client(), f"/calendar/{token}.ics"
        self.etag = self.client.get(self.url).headers["ETag"]
        assert self.revalidate() == 304

    def revalidate(self) -> int:
        return self.client.get(self.url, headers={"If-None-Match": self.etag}).status_code


@pytest.fixture
def feed_world(app, make_user, make_event, reply):
    """A host and a person going to their (full) event, a person on its
    waitlist, each with a calendar client that has fetched their feed."""
    host, going, waiting = make_user(), make_user(), make_user()
    event = make_event(creator=host, capacity=1, online_url="https://meet.example.org/r")
    assert reply(going, event).status == RsvpStatus.GOING
    assert reply(waiting, event).status == RsvpStatus.WAITLISTED
    people = {"host": host, "going": going, "waiting": waiting}
    tokens = {name: _token(app, person) for name, person in people.items()}
    return {"event": event, "people": people, "tokens": tokens}


def _readers(app, world) -> dict[str, Reader]:
    return {name: Reader(app, token) for name, token in world["tokens"].items()}


def _in_app(app, change: Callable[[], object]) -> None:
    with app.app_context():
        change()
        db.session.commit()


def test_the_triggers_are_in_the_schema(app):
    """A migration that rebuilds one of these tables (SQLite's batch mode
    copies it) would drop them: this fails first."""
    with app.app_context():
        dialect = db.engine.dialect.name
        if dialect == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        names = set(db.session.scalars(text(query)))
    assert TRIGGERS[dialect] <= names


def test_a_304_is_one_statement_and_a_stale_digest_is_computed_once(app, feed_world, count_queries):
    url = f"/calendar/{feed_world['tokens']['going']}.ics"
    client = app.test_client()
    with count_queries() as first:
        etag = client.get(url).headers["ETag"]
    assert any("UPDATE user_account" in statement for statement in first.statements)
    for _ in range(2):
        with count_queries() as unchanged:
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert unchanged.count == 1
        (statement,) = unchanged.statements
        assert "rsvp" not in statement and "event" not in statement  # the reader's row alone
    with count_queries() as warm:
        assert client.get(url).headers["ETag"] == etag
    assert warm.count == 3  # the reader, the feed's rows, their stored entries


def test_a_reply_change_and_the_waitlist_promotion_it_causes(app, feed_world):
    readers = _readers(app, feed_world)
    leaving = app.test_client()
    sign_in(leaving, feed_world["people"]["going"])
    slug = feed_world["event"].slug
    assert leaving.submit(f"/events/{slug}/rsvp", {"response": "not_going"}).status_code == 303
    assert readers["going"].revalidate() == 200  # gone from their feed
    assert readers["waiting"].revalidate() == 200  # promoted: confirmed, with the link
    assert readers["host"].revalidate() == 304  # the host's file is the same


def test_an_approval_and_a_removal_by_the_hosts(app, make_user, make_event, reply, host_acts):
    host, person = make_user(), make_user()
    event = make_event(creator=host, is_approval_required=True)
    pending = reply(person, event)
    assert pending.status == RsvpStatus.PENDING
    reader = Reader(app, _token(app, person))
    assert host_acts(decisions.approve, host, pending).status == RsvpStatus.GOING
    assert reader.revalidate() == 200
    reader = Reader(app, _token(app, person))
    host_acts(decisions.remove, host, pending)
    assert reader.revalidate() == 200


def test_a_host_added_and_removed(app, feed_world, make_user):
    person = make_user()
    reader = Reader(app, _token(app, person))
    event_id, host_id = feed_world["event"].id, feed_world["people"]["host"].id

    def invite_and_accept() -> None:
        event, host = db.session.get(Event, event_id), db.session.get(User, host_id)
        token = hosts.invite_cohost(host, event, email=person.email)
        hosts.accept_host_invitation(db.session.get(User, person.id), token)

    _in_app(app, invite_and_accept)
    assert reader.revalidate() == 200
    reader = Reader(app, _token(app, person))
    _in_app(
        app,
        lambda: hosts.remove_cohost(
            db.session.get(User, host_id), db.session.get(Event, event_id), user_id=person.id
        ),
    )
    assert reader.revalidate() == 200


def test_the_name_and_the_reminder(app, feed_world):
    reader = _readers(app, feed_world)["going"]
    person_id = feed_world["people"]["going"].id
    _in_app(app, lambda: setattr(db.session.get(User, person_id), "display_name", "Renamed"))
    assert reader.revalidate() == 200
    reader = _readers(app, feed_world)["going"]
    _in_app(app, lambda: feeds.set_alarm(db.session.get(User, person_id), 60))
    assert reader.revalidate() == 200


def test_a_new_address_is_a_new_feed_and_the_old_one_is_gone(app, feed_world):
    reader = _readers(app, feed_world)["going"]
    person_id = feed_world["people"]["going"].id
    with app.app_context():
        token = feeds.regenerate_feed_token(db.session.get(User, person_id))
        db.session.commit()
    assert reader.revalidate() == 404
    reader.url = f"/calendar/{token}.ics"
    assert reader.revalidate() == 200


def test_an_event_cancelled_or_deleted(app, feed_world):
    readers = _readers(app, feed_world)
    event_id, host_id = feed_world["event"].id, feed_world["people"]["host"].id
    _in_app(
        app,
        lambda: lifecycle.cancel_event(
            db.session.get(User, host_id), db.session.get(Event, event_id), message="Flooded."
        ),
    )
    assert {name: reader.revalidate() for name, reader in readers.items()} == {
        "host": 200,
        "going": 200,
        "waiting": 200,
    }
    readers = _readers(app, feed_world)
    # Only drafts are deleted by the service; whatever deletes an event (the
    # database's cascade takes its replies and hostings) reaches the feeds.
    _in_app(
        app, lambda: db.session.execute(text("DELETE FROM event WHERE id = :id"), {"id": event_id})
    )
    assert {name: reader.revalidate() for name, reader in readers.items()} == {
        "host": 200,
        "going": 200,
        "waiting": 200,
    }


def test_changes_made_by_statements_reach_the_feeds_too(app, feed_world):
    """Core statements and raw SQL bypass the ORM, not the database."""
    readers = _readers(app, feed_world)
    event_id, going_id = feed_world["event"].id, feed_world["people"]["going"].id
    renaming = update(Event).where(Event.id == event_id).values(title="Renamed by a statement")
    _in_app(app, lambda: db.session.execute(renaming))
    assert all(reader.revalidate() == 200 for reader in readers.values())
    readers = _readers(app, feed_world)
    _in_app(
        app,
        lambda: db.session.execute(
            text("UPDATE rsvp SET status = 'not_going' WHERE user_id = :id"), {"id": going_id}
        ),
    )
    assert readers["going"].revalidate() == 200
    assert readers["host"].revalidate() == readers["waiting"].revalidate() == 304
    hosting = update(EventHost).where(EventHost.event_id == event_id).values(user_id=going_id)
    _in_app(app, lambda: db.session.execute(hosting))
    assert readers["going"].revalidate() == 200


def test_unrelated_writes_keep_the_304(app, feed_world, make_event, reply, make_user):
    readers = _readers(app, feed_world)
    reply(make_user(), make_event())  # someone else, elsewhere
    going_id = feed_world["people"]["going"].id
    _in_app(
        app,
        lambda: db.session.execute(  # not a status: the directory's copies
            update(Rsvp).where(Rsvp.user_id == going_id).values(sort_name="zzz")
        ),
    )
    assert all(reader.revalidate() == 304 for reader in readers.values())


def test_time_moves_events_out_of_the_window(app, feed_world):
    token = feed_world["tokens"]["going"]
    with app.app_context():
        now = utcnow()
        feed = feeds.personal_feed(token, now=now)
        assert feed.to_keep is not None  # not stored yet
        until = feed.to_keep.until
        event = db.session.get(Event, feed_world["event"].id)
        assert until == event.ends_at + feeds.PAST_WINDOW
        feeds.keep_version(feed.to_keep)
        db.session.commit()
        last = feeds.personal_feed(token, now=until)
        assert last.to_keep is None and last.etag == feed.etag  # stored: still in the window
        after = feeds.personal_feed(token, now=until + timedelta(microseconds=1))
        assert after.to_keep is not None and after.etag != feed.etag
        assert after.readers_view == {}  # it left


def test_a_digest_read_before_a_change_is_not_kept(app, feed_world):
    """A fetch that read the feed, then a change committed, then the fetch
    stores what it read: the change moved the version, so nothing is kept."""
    token = feed_world["tokens"]["going"]
    reader = Reader(app, token)  # stored
    event_id = feed_world["event"].id
    cancelling = update(Event).where(Event.id == event_id).values(status=EventStatus.CANCELLED)
    _in_app(app, lambda: db.session.execute(cancelling))
    with app.app_context():
        before = feeds.personal_feed(token, now=utcnow())
        assert before.to_keep is not None
    with app.app_context():
        db.session.execute(update(Event).where(Event.id == event_id).values(title="Later"))
        db.session.commit()
        feeds.keep_version(before.to_keep)  # too late
        db.session.commit()
        stored = db.session.scalar(
            select(User.feed_etag).where(User.id == feed_world["people"]["going"].id)
        )
    assert stored is None
    assert reader.revalidate() == 200


def test_a_deleted_account_has_no_feed(app, feed_world):
    reader = _readers(app, feed_world)["going"]
    person_id = feed_world["people"]["going"].id
    _in_app(
        app,
        lambda: registry.delete_account(db.session.get(User, person_id), password=DEFAULT_PASSWORD),
    )
    assert reader.revalidate() == 404


def test_an_event_change_reaches_the_readers_who_have_a_feed(app, make_user, make_event, reply):
    """Only they can fetch one: the others' rows are not written, and
    their first token makes them readers like the rest."""
    host, subscriber, other = make_user(), make_user(), make_user()
    event = make_event(creator=host)
    reply(subscriber, event), reply(other, event)
    reader = Reader(app, _token(app, subscriber))

    def versions() -> dict[int, int]:
        with app.app_context():
            rows = db.session.execute(select(User.id, User.feed_version))
            return {person_id: version for person_id, version in rows}

    before = versions()
    renaming = update(Event).where(Event.id == event.id).values(title="Renamed")
    _in_app(app, lambda: db.session.execute(renaming))
    after = versions()
    assert after[subscriber.id] > before[subscriber.id] and reader.revalidate() == 200
    assert after[other.id] == before[other.id] and after[host.id] == before[host.id]
    late = Reader(app, _token(app, other))
    _in_app(app, lambda: db.session.execute(renaming.values(title="Again")))
    assert late.revalidate() == 200


def _committed_world(app) -> tuple[int, int, int]:
    """A published event, its host and a stranger to it, committed."""
    with app.app_context():
        host, person = (
            credentials.register_user(email=f"{name}@example.org", display_name=name,
                                   password=DEFAULT_PASSWORD)
            for name in ("host", "person")
        )  # fmt: skip
        host.email_verified_at = utcnow()
        start = (utcnow() + timedelta(days=7)).replace(tzinfo=None, microsecond=0)
        details = EventDetails(
            title="Race", timezone="Europe/Paris", starts_local=start,
            ends_local=start + timedelta(hours=2), venue_name="Here",
        )  # fmt: skip
        event = lifecycle.create_event(host, details).event
        lifecycle.publish_event(host, event)
        db.session.commit()
        return event.id, host.id, person.id


def _an_event_change_must_wait(app, event_id: int) -> None:
    with app.app_context(), db.engine.connect() as changing, changing.begin():
        changing.exec_driver_sql("SET LOCAL lock_timeout = '300ms'")
        with pytest.raises(OperationalError, match="lock timeout"):
            changing.execute(text("UPDATE event SET title = 'Changed' WHERE id = :id"),
                             {"id": event_id})  # fmt: skip


def test_on_postgresql_a_new_reader_and_an_event_change_do_not_miss_each_other(
    committed_postgres_app,
):
    """Read committed: the change of an event reads who reads it when it
    runs. A reader joining meanwhile (a hosting, a reply going) or making
    their first token holds a lock the change must wait for, so the change
    then sees them (or they see it)."""
    app = committed_postgres_app
    event_id, _, person_id = _committed_world(app)
    with app.app_context(), db.engine.connect() as joining, joining.begin():
        joining.execute(
            text("INSERT INTO event_host (event_id, user_id, role, added_at)"
                 " VALUES (:event, :person, 'cohost', now())"),
            {"event": event_id, "person": person_id},
        )  # fmt: skip
        _an_event_change_must_wait(app, event_id)
    with app.app_context():
        feeds.feed_token(db.session.get(User, person_id))  # not committed yet
        _an_event_change_must_wait(app, event_id)
        db.session.rollback()


def test_a_member_removed_from_a_community_gets_a_feed_without_its_members_only_event(
    app, make_user, make_event, make_community, make_member, put_in_community, reply
):
    """Their reply stays, but the event is no longer theirs to see: the
    membership's change makes the stored digest stale (a trigger too)."""
    from meetup.models import CommunityMember, MembershipState

    member = make_user()
    community = make_community()
    make_member(community, member)
    event = put_in_community(make_event(), community, members_only=True)
    reply(member, event)
    reader = Reader(app, _token(app, member))
    assert event.uid in reader.client.get(reader.url).text

    def remove() -> None:
        row = db.session.get(CommunityMember, (community.id, member.id))
        row.state = MembershipState.REMOVED

    _in_app(app, remove)
    assert reader.revalidate() == 200
    assert event.uid not in reader.client.get(reader.url).text
