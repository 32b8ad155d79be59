"""The connections privacy matrix: viewer × the event's directory setting ×
the person's choice for the event × their profile's visibility × blocks, on
every surface where one person may find, ask or reach another: the event's
"Who's coming" (name, Connect link), the profile (page, Connect button), the
ask itself (GET form, POST), the request email, and once the person accepts,
My network, each vCard, the all-in-one vCard file and the email telling the
asker. Nobody can connect to, learn about or email someone they could not see.

The rule, from the README's "Privacy" section and issue 21: a person can be
asked only where they are visible to the asker, on a profile the asker may
see or in an event directory that shows them to the asker as an ordinary
attendee; hosts count as ordinary attendees (their right to see every reply
gives none to ask); a block hides two people from each other both ways
(never from a host's own management page). A connection sees the person's
profile as a logged-in member would, their email only where they allow it.

Each test is one viewer (with one block state) against 27 people: one event
per directory setting, nine people going to each (choice × visibility), each
going to that event only, so each (viewer, person) pair is one cell.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
import vobject
from flask import Flask
from sqlalchemy import select, update

from meetup.extensions import db
from meetup.mail.compose import render_bodies
from meetup.models import Block, ConnectionRequest, Event, OutboxMessage, OutboxStatus, User
from meetup.models.types import utcnow
from meetup.services.accounts import credentials, privacy_settings, profiles
from meetup.services.rsvps import replying
from tests.plugins.app import DEFAULT_PASSWORD, sign_in

SETTINGS = ["everyone", "attendees", "hosts"]
CHOICES = ["shown", "hidden", "default"]
VISIBILITIES = ["public", "members", "private"]
# "host" hosts all three events and did not reply to them; "going host" hosts
# them and is going to each: hosts count as ordinary attendees, so the first
# asks like a member, the second like an attendee.
VIEWERS = ["anonymous", "member", "attendee", "host", "going host"]
HOSTS = {"host", "going host"}
GOING = {"attendee", "going host"}
BLOCKS = ["none", "viewer blocked person", "person blocked viewer"]
# The anonymous visitor can neither block nor be blocked.
COLUMNS = [("anonymous", "none")] + [(viewer, block) for viewer in VIEWERS[1:] for block in BLOCKS]
PEOPLE = list(itertools.product(SETTINGS, CHOICES, VISIBILITIES))


@dataclass(frozen=True)
class Cell:
    viewer: str
    block: str
    setting: str
    choice: str
    visibility: str


# The expected answers: small rules, read from the README and the issue.


def listed(cell: Cell) -> bool:
    """The person appears in the event's list: their choice, else their
    default, which an "only me" profile turns off."""
    return cell.choice == "shown" or (cell.choice == "default" and cell.visibility != "private")


def shares_email(setting: str, choice: str) -> bool:
    """Whether the person lets connections see their address: a checkerboard,
    so both answers meet every visibility among the people who connect."""
    return (SETTINGS.index(setting) + CHOICES.index(choice)) % 2 == 0


def sees_profile(cell: Cell) -> bool:
    if cell.block != "none":
        return False
    return cell.visibility == "public" or (
        cell.visibility == "members" and cell.viewer != "anonymous"
    )


def sees_list_as_attendee(cell: Cell) -> bool:
    """May the viewer open the event's list without a host's rights?"""
    return cell.setting == "everyone" or (cell.setting == "attendees" and cell.viewer in GOING)


def opens_list(cell: Cell) -> bool:
    return cell.viewer in HOSTS or sees_list_as_attendee(cell)


def shown_as_attendee(cell: Cell) -> bool:
    """The list shows the person to the viewer as to an ordinary attendee."""
    return cell.block == "none" and listed(cell) and sees_list_as_attendee(cell)


def named_in_list(cell: Cell) -> bool:
    # A host's own page names every reply, blocks notwithstanding.
    return cell.viewer in HOSTS or shown_as_attendee(cell)


def may_block(cell: Cell) -> bool:
    """Blocking asks whether the viewer knows of the person, blocks aside
    (their own, or the person's of them, must not change the answer)."""
    if cell.viewer == "anonymous":
        return False
    unblocked = Cell(cell.viewer, "none", cell.setting, cell.choice, cell.visibility)
    return cell.block == "viewer blocked person" or may_ask(unblocked)


def opens_profile(cell: Cell) -> bool:
    """The profile page: the blocker sees the other as a logged-out visitor
    does; the person blocked, as any member with no tie to them (a 404 on a
    profile for members would tell them apart from every other member)."""
    if cell.block == "viewer blocked person":
        return cell.visibility == "public"
    if cell.block == "person blocked viewer":
        return cell.visibility in ("public", "members")
    return sees_profile(cell)


def may_ask(cell: Cell) -> bool:
    """Asking looks allowed. Across a block the person blocked asks where
    the profile opens to them, in vain: see reaches."""
    if cell.viewer == "anonymous" or cell.block == "viewer blocked person":
        return False
    if cell.block == "person blocked viewer":
        return opens_profile(cell)
    return sees_profile(cell) or shown_as_attendee(cell)


def reaches(cell: Cell) -> bool:
    """The request reaches the person (an email, an answer): never across a
    block, where it is ignored at once."""
    return may_ask(cell) and cell.block == "none"


# The world: one event per setting, nine people going to each.


def _name(setting: str, choice: str, visibility: str) -> str:
    return f"Subject {setting.title()} {choice.title()} {visibility.title()}"


def _slug_of(name: str) -> str:
    return name.lower().replace(" ", "-")


@dataclass
class World:
    viewer: User | None
    events: dict[str, Event]
    people: dict[tuple[str, str, str], User]


def _build(app: Flask, make_event, viewer_role: str, block: str) -> World:
    with app.app_context():
        add = _account_maker()
        viewer = None if viewer_role == "anonymous" else add("Vera Viewer")
        host = viewer if viewer_role in HOSTS else add("Hal Host")
        db.session.commit()
        host_id = host.id
        viewer_id = viewer.id if viewer else None
    events = {}
    for setting in SETTINGS:
        events[setting] = make_event(
            creator=_detached(app, host_id), capacity=50, directory_visibility=setting
        )
    with app.app_context():
        add = _account_maker(start=100)
        people_ids = {}
        for setting, choice, visibility in PEOPLE:
            name = _name(setting, choice, visibility)
            person = add(name)
            profiles.update_profile(
                person, display_name=name, headline=f"Zebra {name}", company="Quagga Ltd",
                bio="", interests=["okapi"], links=[f"https://example.org/{_slug_of(name)}"],
                offers=["mentoring"], seeks=[], timezone="UTC",
            )  # fmt: skip
            privacy_settings.update_privacy(
                person, profile_visibility=visibility, is_listed_in_directories=True,
                is_email_shared_with_connections=shares_email(setting, choice),
                is_followup_email_wanted=False,
            )  # fmt: skip
            event = db.session.get(Event, events[setting].id)
            replying.respond(person, event, replying.Reply(True, directory_choice=choice))
            people_ids[(setting, choice, visibility)] = person.id
        if viewer_role in GOING:
            me = db.session.get(User, viewer_id)
            for event in events.values():
                replying.respond(me, db.session.get(Event, event.id), replying.Reply(True))
        if block != "none":
            # As if each block was made while the other was in sight: the
            # form refuses a person out of sight (the "block" cells below).
            for person_id in people_ids.values():
                pair = (viewer_id, person_id)
                blocker, blocked = pair if block == "viewer blocked person" else pair[::-1]
                db.session.add(Block(blocker_id=blocker, blocked_id=blocked))
        db.session.commit()
    return World(
        viewer=_detached(app, viewer_id) if viewer_id else None,
        events=events,
        people={key: _detached(app, person_id) for key, person_id in people_ids.items()},
    )


def _account_maker(start: int = 1):
    numbers = itertools.count(start)

    def add(name: str) -> User:
        user = credentials.register_user(
            email=f"matrix{next(numbers)}@example.org", display_name=name,
            password=DEFAULT_PASSWORD,
        )  # fmt: skip
        user.email_verified_at = utcnow() - timedelta(days=1)
        return user

    return add


def _detached(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _mails(app: Flask, template: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.template == template)
                .order_by(OutboxMessage.id)
            )
        )
        db.session.expunge_all()
        return rows


def _request_id(app: Flask, asker: User, person: User) -> int | None:
    with app.app_context():
        return db.session.scalar(
            select(ConnectionRequest.id).where(
                ConnectionRequest.requester_id == asker.id,
                ConnectionRequest.addressee_id == person.id,
            )
        )


def _card_fields(card) -> set[str]:
    return {name for name in card.contents if name not in ("version", "prodid")}


@pytest.mark.parametrize(("viewer_role", "block"), COLUMNS, ids=[" / ".join(c) for c in COLUMNS])
def test_who_may_ask_whom_on_every_surface(app, make_event, viewer_role, block):
    world = _build(app, make_event, viewer_role, block)
    viewer = world.viewer
    client = app.test_client()
    if viewer is not None:
        sign_in(client, viewer)
    wrong: list[tuple] = []  # (cell, surface, expected, got): every mismatch, then one assert

    def check(cell: Cell, surface: str, expected: object, got: object) -> None:
        if expected != got:
            wrong.append((cell, surface, expected, got))

    # The three event lists, read once each.
    lists = {}
    for setting, event in world.events.items():
        response = client.get(f"/events/{event.slug}/people")
        lists[setting] = (response.status_code, response.get_data(as_text=True))

    token = client.csrf_token()
    cells = {}
    for (setting, choice, visibility), person in world.people.items():
        cell = Cell(viewer_role, block, setting, choice, visibility)
        cells[cell] = person
        name = person.display_name

        # "Who's coming": the page, the name, the Connect link.
        status, html = lists[setting]
        expected_status = 200 if opens_list(cell) else (302 if viewer is None else 403)
        check(cell, "list status", expected_status, status)
        if status == 200:
            check(cell, "list names", named_in_list(cell), name in html)
            check(
                cell, "list Connect link",
                viewer is not None and shown_as_attendee(cell),
                f"/people/{person.id}/connect?event=" in html,
            )  # fmt: skip

        # The profile and its Connect button.
        response = client.get(f"/people/{person.id}")
        if opens_profile(cell):
            expected_status = 200
        elif viewer is None and visibility == "members":
            expected_status = 302  # log in to see it
        else:
            expected_status = 404
        check(cell, "profile status", expected_status, response.status_code)
        if response.status_code == 200:
            check(
                cell, "profile Connect button", may_ask(cell),
                f'href="/people/{person.id}/connect"' in response.get_data(as_text=True),
            )  # fmt: skip

        # The ask: its form, then the request itself.
        refused = 302 if viewer is None else 404
        response = client.get(f"/people/{person.id}/connect")
        check(cell, "GET connect", 200 if may_ask(cell) else refused, response.status_code)
        if response.status_code == 200:
            check(cell, "ask form", True, "Ask to connect" in response.get_data(as_text=True))
        response = client.post(
            f"/people/{person.id}/connect", data={"csrf_token": token, "note": "Hello"}
        )
        check(cell, "POST connect", 303 if may_ask(cell) else refused, response.status_code)
        if viewer is not None:
            check(
                cell, "request recorded", may_ask(cell),
                _request_id(app, viewer, person) is not None,
            )  # fmt: skip

    # The request emails: exactly one per allowed ask, none for a refused one.
    asked = {person.email for cell, person in cells.items() if reaches(cell)}
    sent = [mail.recipient for mail in _mails(app, "connection_request")]
    assert sorted(sent) == sorted(asked), "request emails"

    # Each person asked says yes, from their own Requests page.
    connected = {cell: person for cell, person in cells.items() if reaches(cell)}
    for person in connected.values():
        theirs = app.test_client()
        sign_in(theirs, person)
        request_id = _request_id(app, viewer, person)
        response = theirs.post(
            f"/connections/requests/{request_id}/accept",
            data={"csrf_token": theirs.csrf_token()},
        )
        assert response.status_code == 303

    # The emails telling the asker: once per person, with their address only
    # where they allow it.
    told = {mail.context["other"]: mail for mail in _mails(app, "connection_accepted")}
    assert set(told) == {person.display_name for person in connected.values()}
    for cell, person in connected.items():
        allowed = shares_email(cell.setting, cell.choice)
        check(cell, "accepted email", person.email if allowed else "",
              told[person.display_name].context["email"])  # fmt: skip
        assert told[person.display_name].recipient == viewer.email

    # My network, the vCards and the all-in-one file: exactly what each
    # person consented to, and nobody else.
    if viewer is not None:
        network = client.get("/connections").get_data(as_text=True)
        everyone = client.get("/connections.vcf")
        assert everyone.status_code == 200
        all_cards = {
            card.fn.value: card for card in vobject.readComponents(everyone.get_data(as_text=True))
        }
        check(None, "cards in connections.vcf",
              sorted(p.display_name for p in connected.values()), sorted(all_cards))  # fmt: skip
        for cell, person in cells.items():
            is_connected = cell in connected
            name = person.display_name
            check(cell, "network names", is_connected, f">{name}<" in network)
            response = client.get(f"/connections/{person.id}.vcf")
            check(cell, "vCard status", 200 if is_connected else 404, response.status_code)
            if not is_connected:
                check(cell, "network email", False, person.email in network)
                continue
            # A connection sees the profile as a logged-in member would.
            fields_visible = cell.visibility != "private"
            email_allowed = shares_email(cell.setting, cell.choice)
            check(cell, "network headline", fields_visible, f"Zebra {name}" in network)
            check(cell, "network email", email_allowed, person.email in network)
            expected = {"fn", "n"}
            if email_allowed:
                expected.add("email")
            if fields_visible:
                expected |= {"title", "org", "url", "source"}
            for surface, card in (
                ("vCard", vobject.readOne(response.get_data(as_text=True))),
                ("connections.vcf", all_cards.get(name)),
            ):
                if card is None:
                    continue
                check(cell, f"{surface} fields", expected, _card_fields(card))
                check(cell, f"{surface} FN", name, card.fn.value)
                if email_allowed:
                    check(cell, f"{surface} EMAIL", person.email, card.email.value)
                if fields_visible:
                    check(cell, f"{surface} TITLE", f"Zebra {name}", card.title.value)
                    check(cell, f"{surface} ORG", ["Quagga Ltd"], card.org.value)
                    check(cell, f"{surface} URL",
                          f"https://example.org/{_slug_of(name)}", card.url.value)  # fmt: skip

    # Blocking, last (it ends what it blocks): only a person the viewer knows
    # of, any other answered as an unknown id; the blocked list names no more.
    if viewer is not None:
        for cell, person in cells.items():
            response = client.post(f"/people/{person.id}/block", data={"csrf_token": token})
            check(cell, "POST block", 303 if may_block(cell) else 404, response.status_code)
        blocked_page = client.get("/connections/blocked").get_data(as_text=True)
        for cell, person in cells.items():
            check(cell, "blocked list", may_block(cell), person.display_name in blocked_page)

    assert not wrong, "\n".join(
        f"{cell}: {surface}: expected {expected!r}, got {got!r}"
        for cell, surface, expected, got in wrong
    )


# Refused asks beyond the matrix: the request email never goes out for them.


def test_an_ignored_asker_cannot_ask_again_by_blocking_and_unblocking(app, make_user, outbox):
    asker, person = make_user(), make_user()
    client = app.test_client()
    sign_in(client, asker)
    theirs = app.test_client()
    sign_in(theirs, person)
    assert client.submit(f"/people/{person.id}/connect", {}).status_code == 303
    request_id = _request_id(app, asker, person)
    assert theirs.submit(f"/connections/requests/{request_id}/ignore", {},
                         page="/connections/requests").status_code == 303  # fmt: skip
    # Within the 90 days, asking again is a silent no-op: no second email.
    assert client.submit(f"/people/{person.id}/connect", {}).status_code == 303
    assert len(_mails(app, "connection_request")) == 1
    # Nor does a block and an unblock reopen the door.
    for action in ("block", "unblock"):
        assert client.submit(f"/people/{person.id}/{action}", {}, page="/").status_code == 303
    client.submit(f"/people/{person.id}/connect", {})
    assert [mail.recipient for mail in _mails(app, "connection_request")] == [person.email]
    assert "asked to connect with you" not in theirs.get(f"/people/{asker.id}").get_data(
        as_text=True
    )


def test_an_ask_after_a_block_ended_another_request_still_sends_its_email(app, make_user):
    # A block deletes the waiting request between two people; the next
    # request anyone makes must still email its addressee (SQLite may give it
    # the deleted request's id).
    first, second, third, fourth = (make_user() for _ in range(4))
    client = app.test_client()
    sign_in(client, first)
    assert client.submit(f"/people/{second.id}/connect", {}).status_code == 303
    assert client.submit(f"/people/{second.id}/block", {}, page="/").status_code == 303
    other = app.test_client()
    sign_in(other, third)
    assert other.submit(f"/people/{fourth.id}/connect", {}).status_code == 303
    assert [mail.recipient for mail in _mails(app, "connection_request")] == [
        second.email, fourth.email,
    ]  # fmt: skip


def test_where_they_met_reaches_the_request_my_network_and_the_vcard(app, make_user, make_event):
    asker, person = make_user(), make_user()
    event = make_event(title="Breakfast of founders")
    with app.app_context():
        row = db.session.get(Event, event.id)
        for someone in (asker, person):
            replying.respond(db.session.get(User, someone.id), row, replying.Reply(True))
        # The breakfast is over: both attended it.
        row.starts_at, row.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2)
        db.session.commit()
    client = app.test_client()
    sign_in(client, asker)
    theirs = app.test_client()
    sign_in(theirs, person)
    assert client.submit(f"/people/{person.id}/connect", {}).status_code == 303
    (mail,) = _mails(app, "connection_request")
    assert mail.context["met_at"] == "Breakfast of founders"
    request_id = _request_id(app, asker, person)
    assert theirs.submit(f"/connections/requests/{request_id}/accept", {},
                         page="/connections/requests").status_code == 303  # fmt: skip
    assert "Breakfast of founders" in client.get("/connections").get_data(as_text=True)
    card = vobject.readOne(client.get(f"/connections/{person.id}.vcf").get_data(as_text=True))
    assert card.note.value.startswith("Met at Breakfast of founders")


# The deletion cells: whatever stood between the viewer and a person, once
# the person deletes their account nothing of them is left on the viewer's
# surfaces, their mail included (issue 34).

RELATIONS = ["asked the viewer", "asked by the viewer", "connected", "ticked each other"]


@pytest.mark.parametrize("relation", RELATIONS)
def test_a_deleted_person_is_gone_from_every_surface(app, make_user, make_event, relation):
    viewer = make_user(display_name="Vera Viewer")
    person = make_user(display_name="Zenobia Quillfeather", email="zenobia@example.org")
    with app.app_context():
        profiles.update_profile(
            db.session.get(User, person.id), display_name=person.display_name,
            headline="Xylophone whisperer", company="Vortexcorp", bio="", interests=[],
            links=[], offers=[], seeks=[], timezone="UTC",
        )  # fmt: skip
        db.session.execute(
            update(User).where(User.id == person.id).values(is_email_shared_with_connections=True)
        )
        event = make_event(directory_visibility="everyone", title="Breakfast of founders")
        row = db.session.get(Event, event.id)
        for someone in (viewer, person):
            replying.respond(db.session.get(User, someone.id), row, replying.Reply(True))
        row.starts_at, row.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
        db.session.commit()
    client = app.test_client()
    sign_in(client, viewer)
    theirs = app.test_client()
    sign_in(theirs, person)
    if relation in ("asked the viewer", "connected"):
        theirs.submit(f"/people/{viewer.id}/connect", {"note": "Remember the okapi stampede"})
    if relation == "asked by the viewer":
        client.submit(f"/people/{person.id}/connect", {"note": "Hello"})
    if relation == "connected":
        request_id = _request_id(app, person, viewer)
        client.submit(f"/connections/requests/{request_id}/accept", {}, page="/connections")
    if relation == "ticked each other":
        for who, other in ((client, person), (theirs, viewer)):
            who.submit(f"/events/{event.slug}/people/{other.id}/stay-in-touch", {"want": "yes"},
                       page=f"/events/{event.slug}/people")  # fmt: skip
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.recipient == viewer.email, OutboxMessage.template != "rsvp_status"
        )) is not None or relation == "asked by the viewer"  # fmt: skip
        # Half of it went out already.
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id % 2 == 0)
            .values(status=OutboxStatus.SENT, sent_at=utcnow())
        )
        db.session.commit()
    client.get("/")  # the viewer's own flashed messages, said before she left
    assert theirs.submit("/account/delete", {"password": DEFAULT_PASSWORD}).status_code == 303

    pages = [client.get(url).get_data(as_text=True) for url in (
        "/connections", "/connections/requests", "/connections.vcf", f"/people/{person.id}",
        f"/connections/{person.id}.vcf", "/account/data.json", "/my/events",
        f"/events/{event.slug}/people",
    )]  # fmt: skip
    with app.app_context():
        for message in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == viewer.email)
        ):
            pages += [message.subject, json.dumps(message.context), *render_bodies(message)]
    for fragment in ("Zenobia", "Quillfeather", "Xylophone", "Vortexcorp", "okapi", "zenobia@"):
        assert not [
            page[page.index(fragment) - 300 :][:400] for page in pages if fragment in page
        ], fragment


# The hidden-attendance cells: where two people met, said anywhere (My
# network, the vCard's NOTE, a request's email and page, a suggestion's
# "You both went to"), follows the profile's rule for the event: the
# person's choice for it and who its directory shows its people to, seen by
# someone who attended too (issue 34, item 6).

ATTENDANCE = list(itertools.product(SETTINGS, CHOICES))


@pytest.mark.parametrize(("setting", "choice"), ATTENDANCE, ids=["/".join(c) for c in ATTENDANCE])
def test_where_they_met_follows_the_profiles_rule(app, make_user, make_event, setting, choice):
    from tests.suggestions.test_suggestions import build, set_profile

    dee = make_user(display_name="Dee")
    ada, ben, cy = (make_user(display_name=name) for name in ("Ada", "Ben", "Cy"))
    title = "Breakfast of founders"
    past = make_event(directory_visibility=setting, title=title)
    upcoming = make_event(directory_visibility="everyone")
    with app.app_context():
        row = db.session.get(Event, past.id)
        for person in (dee, ada, ben, cy):
            mine = choice if person.id == dee.id else "shown"
            replying.respond(db.session.get(User, person.id), row,
                             replying.Reply(True, directory_choice=mine))  # fmt: skip
            replying.respond(db.session.get(User, person.id), db.session.get(Event, upcoming.id),
                             replying.Reply(True))  # fmt: skip
        row.starts_at, row.ends_at = utcnow() - timedelta(days=3), utcnow() - timedelta(days=3)
        set_profile(dee, offers=["mentoring"])
        set_profile(ben, seeks=["mentoring"])
        db.session.commit()
        build(upcoming)
    # The rule, as the README's Privacy section and the profile say it.
    shown = listed(Cell("attendee", "none", setting, choice, "public")) and setting != "hosts"
    clients = {}
    for person in (dee, ada, ben, cy):
        clients[person.id] = app.test_client()
        sign_in(clients[person.id], person)
    # What each one's profile of Dee says: the one rule everything else follows.
    for person in (ada, ben, cy):
        page = clients[person.id].get(f"/people/{dee.id}").get_data(as_text=True)
        assert ("Events you both attended" in page) == shown, person.display_name

    # Ada and Dee connected: My network and the vCard.
    clients[dee.id].submit(f"/people/{ada.id}/connect", {})
    request_id = _request_id(app, dee, ada)
    clients[ada.id].submit(f"/connections/requests/{request_id}/accept", {}, page="/")
    network = clients[ada.id].get("/connections").get_data(as_text=True)
    assert (title in network) == shown
    card = vobject.readOne(clients[ada.id].get(f"/connections/{dee.id}.vcf").get_data(as_text=True))
    assert (title in card.serialize()) == shown
    assert (title in clients[ada.id].get("/connections.vcf").get_data(as_text=True)) == shown
    # Dee asks Cy: the email and the Requests page.
    clients[dee.id].submit(f"/people/{cy.id}/connect", {})
    (mail,) = [m for m in _mails(app, "connection_request") if m.recipient == cy.email]
    assert mail.context["met_at"] == (title if shown else "")
    assert (title in clients[cy.id].get("/connections/requests").get_data(as_text=True)) == shown
    # Ben is suggested Dee at the next event: "You both went to" only if shown.
    suggested = clients[ben.id].get(f"/events/{upcoming.slug}/people").get_data(as_text=True)
    assert "Dee offers mentoring" in suggested
    assert (f"You both went to {title}" in suggested) == shown


def test_the_attendance_rule_and_its_sql_twin_agree(app, make_user, make_event):
    from meetup.models import Rsvp
    from meetup.services.privacy import (
        attendance_shown,
        attendance_shown_condition,
        shown_condition,
    )

    person = make_user()
    for setting, choice, visibility in PEOPLE:
        event = make_event(directory_visibility=setting)
        with app.app_context():
            me = db.session.get(User, person.id)
            privacy_settings.update_privacy(
                me, profile_visibility=visibility, is_listed_in_directories=True,
                is_email_shared_with_connections=False, is_followup_email_wanted=False,
            )  # fmt: skip
            row = db.session.get(Event, event.id)
            replying.respond(me, row, replying.Reply(True, directory_choice=choice))
            db.session.flush()
            shown, in_sql = db.session.execute(
                select(shown_condition(), attendance_shown_condition(Rsvp))
                .join(User, User.id == Rsvp.user_id)
                .where(Rsvp.event_id == row.id, Rsvp.user_id == me.id)
            ).one()
            # SQL says NULL for no, where a condition meets a NULL.
            expected = attendance_shown(row, person_shown=bool(shown))
            assert expected == bool(in_sql), (setting, choice, visibility)
            assert expected == (
                listed(Cell("attendee", "none", setting, choice, visibility)) and setting != "hosts"
            )
            db.session.rollback()


# The ignore's cells (issue 34): each state an asker can reach after their
# request, with it ignored or not answered. Her cells (the profile's button,
# Your requests, her export) are the same for both answers; the person who
# ignored it gets one email and sees no request. A block's cells are compared
# between the two answers only: what a block does to a waiting request is the
# blocks' rule. tests/connections/test_silence.py compares whole pages.

ASKER_STATES = {
    # state: (steps after the first ask, her cells or None (a block's),
    #         (request emails, a request shown) for the person not answering)
    "waiting": ((), ("asked", True, ["pending"]), (1, True)),
    "asked again": (("ask",), ("asked", True, ["pending"]), (1, True)),
    "withdrawn": (("withdraw",), ("connect", False, ["withdrawn"]), (1, False)),
    "asked after withdrawing": (("withdraw", "ask"), ("asked", True, ["pending"]), (1, True)),
    "expired": (("expire",), ("connect", False, ["pending"]), (1, False)),
    "asked after it expired": (("expire", "ask"), ("asked", True, ["pending"] * 2), (2, True)),
    "blocked and unblocked": (("block", "unblock"), None, None),
    "asked after a block": (("block", "unblock", "ask"), None, None),
    "blocked by the person": (("blocked", "unblocked"), None, None),
    "asked after their block": (("blocked", "unblocked", "ask"), None, None),
}


def _asker_cells(app, make_user, steps, *, ignored: bool):
    """Her cells, and the person's: (request emails, shown a request)."""
    asker = make_user(display_name="Asker")
    person = make_user(display_name="Person Asked")
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, asker)
    sign_in(theirs, person)
    assert mine.submit(f"/people/{person.id}/connect", {}).status_code == 303
    if ignored:
        request_id = _request_id(app, asker, person)
        assert theirs.submit(f"/connections/requests/{request_id}/ignore", {}).status_code == 303
    for step in steps:
        if step == "ask":
            assert mine.submit(f"/people/{person.id}/connect", {}).status_code == 303
        elif step == "withdraw":
            request_id = _request_id(app, asker, person)
            assert (
                mine.submit(f"/connections/requests/{request_id}/withdraw", {}).status_code == 303
            )
        elif step in ("block", "unblock"):
            assert mine.submit(f"/people/{person.id}/{step}", {}).status_code == 303
        elif step in ("blocked", "unblocked"):
            action = step.removesuffix("ed")
            assert theirs.submit(f"/people/{asker.id}/{action}", {}).status_code == 303
        elif step == "expire":  # her ask is 91 days old; an ignore of it, 80
            with app.app_context():
                for request in db.session.scalars(
                    select(ConnectionRequest).where(ConnectionRequest.requester_id == asker.id)
                ):
                    request.created_at -= timedelta(days=91)
                    if request.answered_at is not None:
                        request.answered_at -= timedelta(days=80)
                db.session.commit()

    profile = mine.get(f"/people/{person.id}").get_data(as_text=True)
    button = "asked" if "You asked to connect." in profile else "connect"
    listed_ = "Person Asked" in mine.get("/connections/requests").get_data(as_text=True)
    data = mine.get("/account/data.json").get_json()
    export = [sent["status"] for sent in data["connection_requests"]["sent"]]
    emails = sum(mail.recipient == person.email for mail in _mails(app, "connection_request"))
    shown = "Asker" in theirs.get("/connections/requests").get_data(as_text=True)
    return (button, listed_, export), (emails, shown)


@pytest.mark.parametrize("state", ASKER_STATES)
def test_an_ignore_changes_no_cell_of_the_asker(app, make_user, state):
    steps, expected, not_answered = ASKER_STATES[state]
    hers_ignored, theirs_ignored = _asker_cells(app, make_user, steps, ignored=True)
    hers, theirs = _asker_cells(app, make_user, steps, ignored=False)
    assert hers_ignored == hers, "the asker can tell an ignore"
    assert theirs_ignored == (1, False), "what she asked reached the person who ignored it"
    if expected is not None:
        assert hers == expected
        assert theirs == not_answered
