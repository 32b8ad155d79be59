"""Silence that stays silent (issue 34, items 3 and 8), compared byte for byte.

Each test builds two worlds alike in everything but one fact the affected
person must never learn (the other person ignored their request, or ticked
them), walks both through the same steps, and after each step compares what
that person sees: the answer to their action (with its flash), the other's
profile, My network, Requests, the event's directory (its card and its
suggestions), the menu's count, My data and their mail. Ids, tokens,
addresses and times are normalised; nothing else may differ.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import ConnectionRequest, Event, User
from meetup.models.types import utcnow
from meetup.services.connections import asking, ticks
from meetup.services.rsvps import replying
from tests.plugins.app import sign_in
from tests.suggestions.test_suggestions import build, set_profile

DAY = timedelta(days=1)


@dataclass
class World:
    n: int
    ada: User  # the affected person: the asker, the ticker
    grace: User  # the other person
    event: Event
    ada_client: object
    grace_client: object
    replacements: dict[str, str] = field(default_factory=dict)


def _world(app: Flask, make_user, make_event, n: int, start) -> World:
    """Ada and Grace going to a breakfast that started an hour before
    `start`'s hour (the same times in every world), with two others and a
    host; suggestions built (Grace offers the advice Ada seeks)."""
    host = make_user(email=f"host-{n}@example.org", display_name="Hostess")
    ada = make_user(email=f"ada-{n}@example.org", display_name="Ada Lovelace")
    grace = make_user(email=f"grace-{n}@example.org", display_name="Grace Hopper")
    others = [make_user(email=f"o{i}-{n}@example.org", display_name=f"Other {i}") for i in (1, 2)]
    event = make_event(creator=host, title="Founders breakfast", directory_visibility="everyone")
    with app.app_context():
        row = db.session.get(Event, event.id)
        for person in (ada, grace, *others):
            replying.respond(db.session.get(User, person.id), row, replying.Reply(True))
        set_profile(ada, interests=["rust"], seeks=["advice"])
        set_profile(grace, interests=["rust"], offers=["advice"])
        for i, person in enumerate(others):
            set_profile(person, interests=[f"topic {i}"])
        # Ends hours after the next hour strikes: a test that runs across it
        # must not see the event end between two of its worlds.
        row.starts_at, row.ends_at = start - timedelta(hours=1), start + timedelta(hours=3)
        db.session.commit()
        build(event)
    clients = []
    for person in (ada, grace):
        client = app.test_client()
        sign_in(client, person)
        clients.append(client)
    ids = {
        str(person.id): name
        for person, name in (
            (host, "HOST"),
            (ada, "ADA"),
            (grace, "GRACE"),
            *zip(others, "XY", strict=True),
        )
    }
    return World(
        n, ada, grace, event, *clients,
        replacements={f"-{n}@example.org": "@example.org", event.slug: "SLUG", **ids},
    )  # fmt: skip


def _normalised(world: World, text: str) -> str:
    text = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", text)
    text = re.sub(r"/stay-in-touch/[\w.-]+", "/stay-in-touch/TOKEN", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+(\+00:00|Z)?", "TIME", text)
    text = re.sub(r"asked [^<]*<", "asked WHEN<", text)

    def person(match: re.Match) -> str:
        return match.group(1) + world.replacements.get(match.group(2), "ID")

    # Ids in addresses and anchors: people by name, requests and the rest as ID.
    text = re.sub(r"(/people/|/connections/|person-)(\d+)(?=[/.\"'#?&])", person, text)
    text = re.sub(r"/\d+(?=[/.\"'#?&])", "/ID", text)
    text = re.sub(r"(directory|event|suggested)-\d+", r"\1-ID", text)
    text = re.sub(r'"(\w*id)": \d+', r'"\1": ID', text)  # in My data
    for before, after in world.replacements.items():
        if not before.isdigit():
            text = text.replace(before, after)
    return text


def _seen(app: Flask, world: World, outbox, answer: str) -> dict[str, str]:
    """Everything Ada sees now, `answer` being the page her last action led to."""
    client, slug = world.ada_client, world.event.slug
    pages = {
        "answer": answer,
        "profile": client.get(f"/people/{world.grace.id}").get_data(as_text=True),
        "network": client.get("/connections").get_data(as_text=True),
        "requests": client.get("/connections/requests").get_data(as_text=True),
        "directory": client.get(f"/events/{slug}/people").get_data(as_text=True),
        "my events": client.get("/my/events").get_data(as_text=True),
    }
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    data.pop("exported_at")
    pages["my data"] = json.dumps(data, indent=1, sort_keys=True)
    pages["mail"] = "\n".join(
        repr((mail.template, mail.subject, sorted(mail.context.items())))
        for mail in outbox.messages(world.ada.email)
        if mail.template != "rsvp_status"  # her reply, before anything
    )
    return {surface: _normalised(world, text) for surface, text in pages.items()}


def _latest_request(app: Flask, asker: User, person: User) -> int | None:
    with app.app_context():
        return db.session.scalar(
            select(ConnectionRequest.id)
            .where(
                ConnectionRequest.requester_id == asker.id,
                ConnectionRequest.addressee_id == person.id,
            )
            .order_by(ConnectionRequest.id.desc())
        )


def _age(app: Flask, world: World, *, asked: int, answered: int) -> None:
    """Move the requests between Ada and Grace back in time (days)."""
    with app.app_context():
        for request in db.session.scalars(
            select(ConnectionRequest).where(
                ConnectionRequest.requester_id.in_((world.ada.id, world.grace.id))
            )
        ):
            request.created_at -= asked * DAY
            if request.answered_at is not None:
                request.answered_at -= answered * DAY
        db.session.commit()


def _post(client, url: str, data: dict | None = None) -> str:
    response = client.submit(url, data or {}, follow_redirects=True)
    return f"{response.status_code}\n{response.get_data(as_text=True)}"


def _step(app: Flask, world: World, step: str, *, ignores: bool) -> str:
    """Do `step` in `world`; the page Ada's own action led to (else "")."""
    ada, grace, a, g = world.ada, world.grace, world.ada_client, world.grace_client
    slug = world.event.slug
    if step == "answer":  # Grace ignores, or says nothing
        if ignores:
            request_id = _latest_request(app, ada, grace)
            assert _post(g, f"/connections/requests/{request_id}/ignore").startswith("200")
        return ""
    if step == "ask":
        return _post(a, f"/people/{grace.id}/connect", {"note": "Hello again"})
    if step == "withdraw":
        return _post(a, f"/connections/requests/{_latest_request(app, ada, grace)}/withdraw")
    if step in ("block", "unblock"):
        return _post(a, f"/people/{grace.id}/{step}")
    if step in ("blocked", "unblocked"):
        _post(g, f"/people/{ada.id}/{step.removesuffix('ed')}")
        return ""
    if step == "asks expire":  # her asks are 91 days old; the ignore is 89
        _age(app, world, asked=91, answered=89)
        return ""
    if step == "ignore expires":
        _age(app, world, asked=92, answered=92)
        return ""
    if step == "grace asks":
        _post(g, f"/people/{ada.id}/connect", {"note": "Hi Ada"})
        return ""
    if step == "tick":
        return _post(a, f"/events/{slug}/people/{grace.id}/stay-in-touch", {"want": "yes"})
    if step == "untick":
        return _post(a, f"/events/{slug}/people/{grace.id}/stay-in-touch", {"want": "no"})
    if step == "grace ticks":
        _post(g, f"/events/{slug}/people/{ada.id}/stay-in-touch", {"want": "yes"})
        return ""
    if step == "tick by link":
        with app.app_context():
            url = ticks.tick_link_url(
                db.session.get(User, ada.id), db.session.get(User, grace.id),
                db.session.get(Event, world.event.id),
            )  # fmt: skip
        return _post(a, url.removeprefix("http://localhost"))
    if step == "remove":
        return _post(a, f"/connections/{grace.id}/remove")
    raise AssertionError(step)


def _walk(app, make_user, make_event, outbox, steps, *, situation: str):
    """Both worlds through `steps`; the first where `situation` happened."""
    start = utcnow().replace(minute=0, second=0, microsecond=0)
    worlds = [_world(app, make_user, make_event, n, start) for n in (1, 2)]
    for number, step in enumerate(steps):
        seen = []
        for world in worlds:
            answer = _step(app, world, step, ignores=world.n == 1)
            seen.append(_seen(app, world, outbox, _normalised(world, answer)))
        _compare(seen, f"after step {number} ({step!r}), Ada's {{}} tells whether {situation}")
    return worlds


def _compare(seen: list[dict[str, str]], message: str) -> None:
    for surface, text in seen[0].items():
        diff = difflib.unified_diff(text.splitlines(), seen[1][surface].splitlines(), n=1)
        assert text == seen[1][surface], message.format(surface) + "\n" + "\n".join(diff)


# Item 3: every state the asker can reach looks the same whether or not the
# other person ignored.

IGNORE_SCENARIOS = {
    "asking again, withdrawing, asking again": [
        "ask", "answer", "ask", "withdraw", "withdraw", "ask", "withdraw", "ask", "ask",
    ],
    "she blocks and unblocks": ["ask", "answer", "block", "unblock", "ask", "withdraw", "ask"],
    "she withdraws, blocks and unblocks": ["ask", "answer", "withdraw", "block", "unblock", "ask"],
    "Grace blocks and unblocks": ["ask", "answer", "blocked", "unblocked", "ask"],
    "the 90 days of her ask end first": [
        "ask", "answer", "asks expire", "ask", "withdraw", "ask", "withdraw",
    ],
    "after withdrawing, the 90 days of her ask end": [
        "ask", "answer", "withdraw", "asks expire", "ask",
    ],
    "the ignore's 90 days end": ["ask", "answer", "ignore expires", "ask"],
    "Grace asks her while hers waits": ["ask", "answer", "grace asks", "remove", "ask"],
    "Grace asks her after she withdrew": ["ask", "answer", "withdraw", "grace asks"],
    "Grace asks her once hers expired": ["ask", "answer", "asks expire", "grace asks"],
    "Grace asks her after she asked again": [
        "ask", "answer", "asks expire", "ask", "grace asks",
    ],
    "they tick each other": ["ask", "answer", "tick", "grace ticks", "remove", "ask"],
    "they tick each other after she withdrew": [
        "ask", "answer", "withdraw", "tick", "grace ticks", "remove", "ask",
    ],
}  # fmt: skip

# Where Grace (who ignored) must have been left alone: one request, by mail.
LEFT_ALONE = {
    "asking again, withdrawing, asking again", "she blocks and unblocks",
    "she withdraws, blocks and unblocks", "Grace blocks and unblocks",
    "the 90 days of her ask end first", "after withdrawing, the 90 days of her ask end",
}  # fmt: skip


@pytest.mark.parametrize("scenario", IGNORE_SCENARIOS)
def test_an_ignore_is_invisible_to_the_asker_in_every_state(
    app, make_user, make_event, outbox, scenario
) -> None:
    steps = IGNORE_SCENARIOS[scenario]
    worlds = _walk(app, make_user, make_event, outbox, steps, situation="Grace ignored her")
    ignored = worlds[0]
    if scenario in LEFT_ALONE:
        asked = [m for m in outbox.messages(ignored.grace.email) if m.template.startswith("conn")]
        assert [m.template for m in asked] == ["connection_request"]
        page = ignored.grace_client.get("/connections/requests").get_data(as_text=True)
        assert "No requests waiting." in page
        assert 'aria-label="1 request waiting"' not in page
        profile = ignored.grace_client.get(f"/people/{ignored.ada.id}").get_data(as_text=True)
        assert "asked to connect with you" not in profile


def test_asking_after_an_ignore_loses_nothing(app, make_user, make_event, outbox) -> None:
    """Ada's asks while Grace's ignore holds are kept (hers to see, withdraw
    and export), and a yes from Grace later finds them."""
    steps = ["ask", "answer", "asks expire", "ask"]
    ignored, _ = _walk(app, make_user, make_event, outbox, steps, situation="Grace ignored her")
    with app.app_context():
        notes = db.session.scalars(
            select(ConnectionRequest.note)
            .where(ConnectionRequest.requester_id == ignored.ada.id)
            .order_by(ConnectionRequest.id)
        ).all()
    assert notes == ["Hello again", "Hello again"]
    assert "Grace Hopper" in ignored.ada_client.get("/connections/requests").get_data(as_text=True)
    # Grace changes her mind: asking Ada is a yes to the request Ada sees waiting.
    _step(app, ignored, "grace asks", ignores=True)
    assert outbox.last(ignored.ada.email).template == "connection_accepted"
    assert "Ada Lovelace" in ignored.grace_client.get("/connections").get_data(as_text=True)


# Item 8: the answer to a tick never depends on the other's tick unless it
# makes a new connection.

TICK_SCENARIOS = {
    "connected by a request": ["ask", "grace accepts", "tick", "untick", "tick"],
    "connected by a request, by the mailed link": ["ask", "grace accepts", "tick by link"],
    "connected, then asked again after removing": [
        "ask", "grace accepts", "tick", "remove", "ask", "tick",
    ],
}  # fmt: skip


@pytest.mark.parametrize("scenario", TICK_SCENARIOS)
def test_a_tick_of_a_connection_does_not_tell_their_tick(
    app, make_user, make_event, outbox, scenario
) -> None:
    start = utcnow().replace(minute=0, second=0, microsecond=0)
    worlds = [_world(app, make_user, make_event, n, start) for n in (1, 2)]
    steps = TICK_SCENARIOS[scenario]
    for number, step in enumerate(steps):
        seen = []
        for world in worlds:
            if step == "grace accepts":
                request_id = _latest_request(app, world.ada, world.grace)
                _post(world.grace_client, f"/connections/requests/{request_id}/accept")
                if world.n == 1:  # Grace ticks Ada, whom she is connected to
                    with app.app_context():
                        grace = db.session.get(User, world.grace.id)
                        ticks.tick(grace, db.session.get(Event, world.event.id), world.ada.id)
                        db.session.commit()
                answer = ""
            else:
                answer = _step(app, world, step, ignores=False)
            seen.append(_seen(app, world, outbox, _normalised(world, answer)))
        _compare(seen, f"after step {number} ({step!r}), Ada's {{}} tells whether Grace ticked her")


def test_a_tick_that_connects_still_says_so(app, make_user, make_event, outbox) -> None:
    start = utcnow().replace(minute=0, second=0, microsecond=0)
    world = _world(app, make_user, make_event, 1, start)
    _step(app, world, "grace ticks", ignores=False)
    answer = _step(app, world, "tick", ignores=False)
    assert "You both wanted to stay in touch: you are connected." in answer
    assert outbox.last(world.ada.email).template == "stay_in_touch_mutual"
    with app.app_context():
        assert asking.is_connected(world.ada.id, world.grace.id)
