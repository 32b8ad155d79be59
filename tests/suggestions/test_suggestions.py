"""Stored suggestions: building, the exclusions every read applies, stale
builds, the batch the follow-up uses, the command and My data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from meetup.extensions import db
from meetup.models import Event, SuggestionBuild, SuggestionList, User
from meetup.models.types import utcnow
from meetup.services import privacy
from meetup.services.accounts import privacy_settings, profiles
from meetup.services.connections import asking, blocks
from meetup.services.personal_data import registry
from meetup.services.rsvps import replying
from meetup.services.suggestions import builds, lists
from tests.plugins.app import DEFAULT_PASSWORD


def set_profile(person: User, *, interests=(), offers=(), seeks=(), company="") -> None:
    """Inside an app context: replace the person's scoring fields."""
    user = db.session.get(User, person.id)
    profiles.update_profile(
        user, display_name=user.display_name, headline=f"{user.display_name}'s headline",
        company=company, bio="", interests=interests, links=[], offers=offers, seeks=seeks,
        timezone="UTC",
    )  # fmt: skip


def set_privacy(person: User, visibility: str) -> None:
    privacy_settings.update_privacy(
        db.session.get(User, person.id), profile_visibility=visibility,
        is_listed_in_directories=True, is_email_shared_with_connections=False,
        is_followup_email_wanted=True,
    )  # fmt: skip


def build(event: Event) -> bool:
    built = builds.build_suggestions(db.session.get(Event, event.id))
    db.session.commit()
    return built


def names_for(person: User, event: Event, limit: int = 20) -> list[str]:
    viewer = db.session.get(User, person.id)
    found = lists.suggestions_for(viewer, db.session.get(Event, event.id), limit=limit)
    return [suggestion.display_name for suggestion in found]


CASES = ["plain", "connected", "asked", "asked_by", "ignored_recently", "ignored_long_ago",
         "blocked", "blocked_by", "hidden", "private", "left", "deleted"]  # fmt: skip
SUGGESTED = {"plain", "ignored_long_ago"}


@pytest.fixture
def room(app, make_user, make_event, reply):
    """Ada going, with one person going per case, all sharing her interest;
    built before anything in the cases happened."""
    ada = make_user(display_name="Ada")
    others = {case: make_user(display_name=case) for case in CASES}
    event = make_event(directory_visibility="attendees")
    for person in [ada, *others.values()]:
        reply(person, event)
    with app.app_context():
        for person in [ada, *others.values()]:
            set_profile(person, interests=["rust"])
        filler = [make_user() for _ in range(3)]  # "rust" must stay rarer than everyone
        db.session.commit()
    for person in filler:
        reply(person, event)
    with app.app_context():
        assert build(event)
    return ada, others, event


def test_every_read_applies_the_exclusions_of_now(app, room) -> None:
    ada, others, event = room
    old = utcnow() - timedelta(days=100)
    with app.app_context():
        me = db.session.get(User, ada.id)
        get = lambda case: db.session.get(User, others[case].id)  # noqa: E731
        assert set(names_for(ada, event)) == set(CASES)
        asking.ask_to_connect(me, others["connected"].id)
        asking.accept_request(get("connected"), _request_id(ada, others["connected"]))
        asking.ask_to_connect(me, others["asked"].id)
        asking.ask_to_connect(get("asked_by"), ada.id)
        asking.ask_to_connect(get("ignored_recently"), ada.id)
        asking.ignore_request(me, _request_id(others["ignored_recently"], ada))
        asking.ask_to_connect(get("ignored_long_ago"), ada.id, now=old)
        asking.ignore_request(me, _request_id(others["ignored_long_ago"], ada), now=old)
        blocks.block_person(me, others["blocked"].id)
        blocks.block_person(get("blocked_by"), ada.id)
        replying.set_directory_choice(get("hidden"), db.session.get(Event, event.id), "hidden")
        set_privacy(others["private"], "private")
        replying.respond(get("left"), db.session.get(Event, event.id), replying.Reply(False))
        registry.delete_account(get("deleted"), password=DEFAULT_PASSWORD)
        db.session.commit()
        privacy.forget_blocks(me)
        assert set(names_for(ada, event)) == SUGGESTED
        # From the other side, too.
        assert "Ada" not in names_for(others["blocked"], event)
        assert "Ada" not in names_for(others["asked"], event)
        assert "Ada" in names_for(others["plain"], event)


def _request_id(asker: User, person: User) -> int:
    from meetup.models import ConnectionRequest

    return db.session.scalar(
        select(ConnectionRequest.id)
        .where(ConnectionRequest.requester_id == asker.id,
               ConnectionRequest.addressee_id == person.id)
        .order_by(ConnectionRequest.id.desc())
    )  # fmt: skip


def test_an_ignore_stands_for_the_ignorer_only(app, room) -> None:
    """Ada's request stands for her while it waits as she sees it, ignored or
    not; once she withdrew it, the one who ignored it comes back to her,
    while for them her ignored request still stands (90 days)."""
    ada, others, event = room
    with app.app_context():
        me = db.session.get(User, ada.id)
        for case in ("asked", "plain"):
            asking.ask_to_connect(me, others[case].id)
        asking.ignore_request(db.session.get(User, others["asked"].id),
                                   _request_id(ada, others["asked"]))  # fmt: skip
        db.session.commit()
        assert not {"asked", "plain"} & set(names_for(ada, event))
        for case in ("asked", "plain"):
            asking.withdraw_request(me, _request_id(ada, others[case]))
        db.session.commit()
        assert {"asked", "plain"} <= set(names_for(ada, event))
        assert "Ada" not in names_for(others["asked"], event)
        assert "Ada" in names_for(others["plain"], event)


@pytest.mark.parametrize("setting", ["everyone", "attendees", "hosts"])
def test_the_directory_setting_decides(app, room, setting) -> None:
    ada, _, event = room
    with app.app_context():
        db.session.execute(
            update(Event).where(Event.id == event.id).values(directory_visibility=setting)
        )
        db.session.commit()
        assert bool(names_for(ada, event)) == (setting != "hosts")


def test_a_host_is_an_ordinary_attendee(app, make_user, make_event, reply) -> None:
    """A host going gets suggestions and is suggested, as anyone; a host
    not going gets none (their right to see every reply gives nothing)."""
    host, ada, ben = make_user(display_name="Host"), make_user(), make_user(display_name="Ben")
    event = make_event(creator=host)
    for person in (host, ada, ben):
        reply(person, event)
    with app.app_context():
        for person in (host, ada, ben):
            set_profile(person, interests=["rust"])
        set_profile(ada, interests=["go"])
        db.session.commit()
        build(event)
        assert names_for(host, event) == ["Ben"]
        replying.respond(db.session.get(User, host.id), db.session.get(Event, event.id),
                         replying.Reply(False))  # fmt: skip
        db.session.commit()
        assert names_for(host, event) == [] and names_for(ben, event) == []


def test_a_stale_build_is_read_as_it_is_with_terms_checked_again(app, room) -> None:
    ada, others, event = room
    with app.app_context():
        assert not build(event)  # nothing changed: not scored again
        set_profile(others["plain"], interests=["go"])  # "rust" no longer true of them
        set_profile(ada, interests=["rust", "go"])
        db.session.commit()
        names = names_for(ada, event)
        assert "plain" not in names and len(names) == len(CASES) - 1
        built_at = db.session.get(SuggestionBuild, event.id).built_at
        assert build(event)  # the room changed
        assert db.session.get(SuggestionBuild, event.id).built_at >= built_at
        assert names_for(ada, event)[0] == "plain"  # "go" is rarer than "rust" now
        reasons = lists.suggestions_for(
            db.session.get(User, ada.id), db.session.get(Event, event.id)
        )[0].reasons
        assert reasons == ["You both work on go"]


def test_nothing_is_shown_before_the_first_build(app, make_user, make_event, reply) -> None:
    ada, ben = make_user(), make_user()
    event = make_event()
    reply(ada, event), reply(ben, event)
    with app.app_context():
        set_profile(ada, seeks=["advice"])
        set_profile(ben, offers=["advice"])
        db.session.commit()
        assert names_for(ada, event) == []
        build(event)
        assert names_for(ada, event) == [ben.display_name]


def test_the_batch_reads_in_constant_queries(app, make_user, make_event, reply, count_queries):
    event = make_event()
    people = [make_user() for _ in range(24)]
    for person in people:
        reply(person, event)
    with app.app_context():
        for number, person in enumerate(people):
            set_profile(person, interests=[f"topic {number % 4}"], company=f"Co {number % 3}")
        asking.ask_to_connect(db.session.get(User, people[0].id), people[4].id)
        blocks.block_person(db.session.get(User, people[1].id), people[5].id)
        db.session.commit()
        build(event)

    def queries(viewers: list[User]) -> int:
        with app.app_context():
            loaded = db.session.get(Event, event.id)
            with count_queries() as counted:
                found = lists.suggestions_for_many(loaded, [p.id for p in viewers])
            assert all(found[person.id] for person in viewers)
            return counted.count

    assert queries(people[:2]) == queries(people)


def test_the_command_builds_what_is_due(app, make_user, make_event, reply, runner) -> None:
    ada, ben = make_user(), make_user()
    upcoming, old = make_event(), make_event()
    for event in (upcoming, old):
        reply(ada, event), reply(ben, event)
    with app.app_context():
        set_profile(ada, seeks=["mentoring"])
        set_profile(ben, offers=["mentoring"])
        start = utcnow() - timedelta(days=40)
        db.session.execute(
            update(Event).where(Event.id == old.id)
            .values(starts_at=start, ends_at=start + timedelta(hours=2))
        )  # fmt: skip
        db.session.commit()
    result = runner.invoke(args=["meetup", "build-suggestions"])
    assert result.exit_code == 0, result.output
    assert "Suggestions: 1 of 1 event(s) scored again (2 people)" in result.output
    again = runner.invoke(args=["meetup", "build-suggestions"])
    assert "0 of 1 event(s) scored again" in again.output
    with app.app_context():
        assert names_for(ada, upcoming) == [ben.display_name]
        assert db.session.get(SuggestionBuild, old.id) is None


def test_my_data_exports_and_erases_them(app, room) -> None:
    ada, others, event = room
    with app.app_context():
        me = db.session.get(User, ada.id)
        section = registry.export_user_data(me)["suggestions"]
        assert section == [{"event": event.title, "people_scored": len(CASES)}]
        plain = others["plain"].id
        registry.delete_account(db.session.get(User, plain), password=DEFAULT_PASSWORD)
        db.session.commit()
        assert "plain" not in names_for(ada, event)  # read skips them at once
        # ... and no stored list keeps them (their id, the terms they shared).
        for candidates in db.session.scalars(select(SuggestionList.candidates)):
            assert plain not in [entry[0] for entry in candidates]
        registry.delete_account(me, password=DEFAULT_PASSWORD)
        db.session.commit()
        assert (
            db.session.scalars(select(SuggestionList).where(SuggestionList.user_id == ada.id)).all()
            == []
        )


def test_a_candidate_whose_term_went_falls_behind(app, make_user, make_event, reply) -> None:
    """Re-ranked on what is still true: Ben led on two interests; with one
    gone he ties with Cleo, and the tie goes to the lower id (Cleo's)."""
    cleo, ben, ada = make_user(display_name="Cleo"), make_user(display_name="Ben"), make_user()
    event = make_event()
    filler = [make_user() for _ in range(4)]
    for person in [cleo, ben, ada, *filler]:
        reply(person, event)
    with app.app_context():
        set_profile(ada, interests=["rust", "go"])
        set_profile(ben, interests=["rust", "go"])
        set_profile(cleo, interests=["rust", "sql"])
        db.session.commit()
        build(event)
        assert names_for(ada, event, limit=1) == ["Ben"]
        set_profile(ben, interests=["rust"])
        db.session.commit()
        assert names_for(ada, event, limit=1) == ["Cleo"]
        assert names_for(ada, event, limit=2) == ["Cleo", "Ben"]


def test_the_batch_answers_for_everyone_asked(app, room, make_user) -> None:
    ada, _, event = room
    stranger = make_user()
    with app.app_context():
        found = lists.suggestions_for_many(
            db.session.get(Event, event.id), [ada.id, stranger.id], limit=3
        )
        assert set(found) == {ada.id, stranger.id}
        assert found[stranger.id] == [] and len(found[ada.id]) == 3
        assert all(s.reasons == ["You both work on rust"] for s in found[ada.id])


def test_an_attendance_hidden_after_the_build_is_no_reason_at_once(
    app, make_user, make_event, reply
) -> None:
    # Issue 34, item 6: "You both went to E" named an event whose list Dee
    # had left; the profile's rule holds at every read, not at the next build.
    ada, dee = make_user(display_name="Ada"), make_user(display_name="Dee")
    past = make_event(title="Breakfast of founders", directory_visibility="everyone")
    upcoming = make_event()
    for person in (ada, dee):
        reply(person, past)
        reply(person, upcoming)
    with app.app_context():
        row = db.session.get(Event, past.id)
        row.starts_at, row.ends_at = utcnow() - timedelta(days=3), utcnow() - timedelta(days=3)
        set_profile(ada, seeks=["advice"])
        set_profile(dee, offers=["advice"])
        db.session.commit()
        assert build(upcoming)

        def reasons() -> list[str]:
            viewer = db.session.get(User, ada.id)
            (found,) = lists.suggestions_for(viewer, db.session.get(Event, upcoming.id))
            return found.reasons

        assert "You both went to Breakfast of founders" in reasons()
        replying.set_directory_choice(db.session.get(User, dee.id), row, "hidden")
        db.session.commit()
        assert reasons() == ["Dee offers advice, which you're looking for"]
