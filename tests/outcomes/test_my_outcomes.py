"""My events: the people a person met at each past event (as its directory
shows them to an ordinary attendee), and the connections that came of it."""

from __future__ import annotations

import re

from sqlalchemy import update

from meetup.extensions import db
from meetup.models import Block, Connection, DirectoryChoice, ProfileVisibility, Rsvp, User
from tests.plugins.app import sign_in


def _my_events(app, person) -> str:
    client = app.test_client()
    sign_in(client, person)
    return client.get("/my/events").get_data(as_text=True)


def _met(text: str) -> list[str]:
    return re.findall(r"You met (\d+) (?:person|people) here", text)


def test_you_met_the_people_the_directory_showed_you(app, make_user, past_event) -> None:
    me, listed, hidden, blocked = (make_user(display_name=n) for n in
                                   ("Me", "Lisa Listed", "Hugo Hidden", "Bea Blocked"))  # fmt: skip
    private = make_user(display_name="Pia Private")
    missed = make_user(display_name="Milo Missed")
    event = past_event(me, listed, hidden, blocked, private, not_attended=(missed,))
    with app.app_context():
        db.session.execute(
            update(Rsvp)
            .where(Rsvp.event_id == event.id, Rsvp.user_id == hidden.id)
            .values(directory_choice=DirectoryChoice.HIDDEN)
        )
        db.session.execute(update(User).where(User.id == private.id)
                           .values(profile_visibility=ProfileVisibility.PRIVATE))  # fmt: skip
        db.session.add(Block(blocker_id=blocked.id, blocked_id=me.id))
        db.session.commit()
    assert _met(_my_events(app, me)) == ["1"]  # Lisa alone
    assert _met(_my_events(app, listed)) == ["2"]  # me and Bea; Hugo and Pia hide
    assert _met(_my_events(app, missed)) == []  # did not attend: nothing to say


def test_hosts_count_as_ordinary_attendees(app, make_user, past_event) -> None:
    host, other = make_user(), make_user()
    closed = past_event(host, other, creator=host, directory_visibility="hosts")
    assert _met(_my_events(app, host)) == ["0"]  # the directory shows attendees no one
    assert closed.slug in _my_events(app, other)


def test_the_connections_made_at_each_event_are_listed(app, make_user, past_event) -> None:
    me, friend, other = make_user(), make_user(display_name="Frida Friend"), make_user()
    event = past_event(me, friend, other)
    past_event(me, other)  # nothing came of this one
    with app.app_context():
        low, high = sorted((me.id, friend.id))
        db.session.add(Connection(first_id=low, second_id=high, event_id=event.id))
        db.session.commit()
    text = _my_events(app, me)
    assert text.count("connected with") == 1
    assert f'<a href="/people/{friend.id}">Frida Friend</a>' in text
    assert "Frida Friend" not in _my_events(app, other)  # others see nothing of it


def test_a_connection_whose_profile_is_out_of_reach_is_named_without_a_link(
    app, make_user, past_event
) -> None:
    me, friend = make_user(), make_user(display_name="Olga Only-me")
    event = past_event(me, friend)
    with app.app_context():
        low, high = sorted((me.id, friend.id))
        db.session.add(Connection(first_id=low, second_id=high, event_id=event.id))
        db.session.execute(update(User).where(User.id == friend.id)
                           .values(profile_visibility=ProfileVisibility.PRIVATE))  # fmt: skip
        db.session.commit()
    text = _my_events(app, me)
    assert "Olga Only-me" in text  # as My network names them
    assert f"/people/{friend.id}" not in text  # whose page would be a 404


def test_my_events_costs_the_same_queries_for_more_past_events(
    app, make_user, past_event, count_queries
) -> None:
    me = make_user()
    client = app.test_client()
    sign_in(client, me)

    def cost() -> int:
        client.get("/my/events")
        with count_queries() as queries:
            client.get("/my/events")
        return queries.count

    past_event(me, make_user())
    one = cost()
    for _ in range(4):
        past_event(me, make_user(), make_user())
    assert cost() == one


def test_a_connection_is_not_told_where_its_person_hid_their_attendance(
    app, make_user, past_event
) -> None:
    """Issue 34, item 6: D hid that she went; my card of the event still
    said I connected with her there."""
    me, dora = make_user(display_name="Me"), make_user(display_name="Dora Hidden")
    event = past_event(me, dora)
    with app.app_context():
        low, high = sorted((me.id, dora.id))
        db.session.add(Connection(first_id=low, second_id=high, event_id=event.id))
        db.session.execute(
            update(Rsvp)
            .where(Rsvp.event_id == event.id, Rsvp.user_id == dora.id)
            .values(directory_choice=DirectoryChoice.HIDDEN)
        )
        db.session.commit()
    assert "Dora Hidden" not in _my_events(app, me)
    assert "connected with" not in _my_events(app, me)
    # Her own card names me: I chose to be listed there.
    assert ">Me</a>" in _my_events(app, dora)
