"""The follow-up, end to end: the job queues it, the real worker sends it to
a real SMTP server (aiosmtpd), and each recipient's message is read: the
right branch, only the people shown to them, no email address, links that
work when followed, the one-click unsubscribe and its headers."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.mail.transports import SmtpTransport
from meetup.mail.worker import MailWorker
from meetup.models import Followup, OutboxMessage, StayInTouch, User
from meetup.models.types import utcnow
from tests.followups.helpers import block, ended_event, run_job, set_values
from tests.plugins.app import sign_in

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _deliver(app, smtp_server) -> dict[str, EmailMessage]:
    with app.app_context():
        report = MailWorker(SmtpTransport(smtp_server.url, timeout=5)).deliver_due()
    assert report.failed == 0
    return {message["To"].addresses[0].addr_spec: message for message in smtp_server.received}


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text.replace("\r\n", "\n"), html


def _links(text: str, label: str) -> dict[str, str]:
    """In a text part, the link after `label` under each person's name."""
    found = {}
    for block_ in text.split("\n* ")[1:]:
        name = block_.split("\n", 1)[0].split(" - ")[0]
        match = re.search(rf"{label}: (\S+)", block_)
        if match:
            found[name] = match.group(1)
    return found


def _path(app, url: str) -> str:
    return url.removeprefix(app.config["BASE_URL"])


@pytest.fixture
def world(app, make_user):
    """Ada hosts; Grace and Hal (hidden) attended; Bob attended but blocked
    Ada; Mia was going and did not come; Una turned follow-ups off. Check-in
    counts (five of six checked in)."""
    ada = make_user(email="ada@example.org", display_name="Ada Lovelace")
    grace = make_user(email="grace@example.org", display_name="Grace Hopper")
    set_values(app, grace, headline="Compilers")
    hal = make_user(email="hal@example.org", display_name="Hal Hidden")
    bob = make_user(email="bob@example.org", display_name="Bob Blocker")
    mia = make_user(email="mia@example.org", display_name="Mia Missed")
    una = make_user(email="una@example.org", display_name="Una Unsubscribed")
    going = [ada, grace, hal, bob, mia, una]
    event = ended_event(app, ada, going, hidden=(hal,),
                        checked_in=(ada, grace, hal, bob, una))  # fmt: skip
    block(app, bob, ada)
    set_values(app, una, is_followup_email_wanted=False)
    return event, {p.display_name.split()[0].lower(): p for p in going}


def test_each_recipient_gets_their_branch_naming_only_people_shown_to_them(
    app, world, smtp_server
) -> None:
    event, people = world
    run_job(app)
    received = _deliver(app, smtp_server)
    assert sorted(received) == sorted(
        f"{name}@example.org" for name in ("ada", "grace", "hal", "bob", "mia")
    )  # Una turned follow-ups off

    ada_text, ada_html = _parts(received["ada@example.org"])
    assert received["ada@example.org"]["Subject"] == (f"After {event.title}: the people you met")
    named = _links(ada_text, "Stay in touch")
    # Hal is hidden, Bob blocked Ada, Mia did not come, Una is not a recipient
    # but attended and is listed: she is among the people met.
    assert sorted(named) == ["Grace Hopper", "Una Unsubscribed"]
    assert "Compilers" in ada_text and "Compilers" in ada_html
    for name in ("Hal Hidden", "Bob Blocker", "Mia Missed"):
        assert name not in ada_text and name not in ada_html

    bob_text, _ = _parts(received["bob@example.org"])
    assert "Ada Lovelace" not in bob_text  # a block works both ways
    grace_text, _ = _parts(received["grace@example.org"])
    assert "Grace Hopper" not in _links(grace_text, "Stay in touch")  # never oneself
    assert "Ada Lovelace" in _links(grace_text, "Stay in touch")

    mia = received["mia@example.org"]
    assert mia["Subject"] == f"Sorry we missed you at {event.title}"
    mia_text, _ = _parts(mia)
    assert "Stay in touch" not in mia_text and "Grace Hopper" not in mia_text

    for address, message in received.items():
        text, html = _parts(message)
        assert EMAIL.findall(text) == [] and EMAIL.findall(html) == [], address
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(r"<https?://\S+/unsubscribe/followups/\S+>",
                            message["List-Unsubscribe"].strip())  # fmt: skip
    with app.app_context():
        kinds = dict(db.session.execute(select(Followup.user_id, Followup.kind)).all())
    assert kinds[people["mia"].id] == "missed" and kinds[people["ada"].id] == "full"


def test_the_links_work_when_followed(app, world, smtp_server) -> None:
    event, people = world
    run_job(app)
    received = _deliver(app, smtp_server)
    ada_text, _ = _parts(received["ada@example.org"])
    ada = app.test_client()
    sign_in(ada, people["ada"])

    tick_url = _path(app, _links(ada_text, "Stay in touch")["Grace Hopper"])
    page = ada.get(tick_url)
    assert page.status_code == 200 and "Stay in touch with Grace Hopper?" in page.text
    with app.app_context():  # a GET changes nothing
        assert db.session.scalar(select(func.count()).select_from(StayInTouch)) == 0
    assert ada.submit(tick_url, {}, page=tick_url).status_code == 303
    with app.app_context():
        tick = db.session.scalars(select(StayInTouch)).one()
    assert (tick.ticker_id, tick.ticked_id) == (people["ada"].id, people["grace"].id)
    # Another person's link is nothing to Grace.
    grace = app.test_client()
    sign_in(grace, people["grace"])
    assert grace.get(tick_url).status_code == 404

    connect_url = _path(app, _links(ada_text, "Ask to connect, with a note")["Grace Hopper"])
    assert connect_url.endswith(f"?event={event.slug}")
    page = ada.get(connect_url)
    assert page.status_code == 200 and "Grace Hopper" in page.text

    # One click, as a mail client does it: no session, no CSRF token.
    unsubscribe = received["ada@example.org"]["List-Unsubscribe"].strip().strip("<>")
    anonymous = app.test_client()
    confirm = anonymous.get(_path(app, unsubscribe))
    assert confirm.status_code == 200 and "Stop follow-up emails" in confirm.text
    assert "no-store" in confirm.headers["Cache-Control"]
    with app.app_context():
        assert db.session.get(User, people["ada"].id).is_followup_email_wanted  # GET: no change
    done = anonymous.post(_path(app, unsubscribe), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    with app.app_context():
        assert not db.session.get(User, people["ada"].id).is_followup_email_wanted
    privacy = ada.get("/account/privacy")
    assert 'name="is_followup_email_wanted"' in privacy.text
    assert not re.search(r'name="is_followup_email_wanted"[^>]*checked', privacy.text)


@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJ1c2VyIjoxfQ.forged.signature", "a" * 300, "%00%ff", "..", "'\"<script>"],
)
def test_hostile_unsubscribe_links_get_a_clear_400(app, client, token) -> None:
    for response in (
        client.get(f"/unsubscribe/followups/{token}"),
        client.post(f"/unsubscribe/followups/{token}"),
    ):
        assert response.status_code in (400, 404)
        if response.status_code == 400:
            assert "privacy settings" in response.text


def test_an_expired_unsubscribe_link_says_so(app, client, make_user, monkeypatch) -> None:
    from meetup.services.followups import unsubscribe

    person = make_user()
    with app.app_context():
        url = unsubscribe.unsubscribe_url(person.id)
    monkeypatch.setattr(unsubscribe, "LIFETIME", timedelta(seconds=-1))
    response = client.post(_path(app, url))
    assert response.status_code == 400 and "expired" in response.text
    with app.app_context():
        assert db.session.get(User, person.id).is_followup_email_wanted


def test_hosts_only_directory_names_nobody(app, make_user, outbox) -> None:
    host = make_user(display_name="Ada Lovelace")
    grace = make_user(display_name="Grace Hopper")
    ended_event(app, host, [host, grace], directory="hosts")
    run_job(app)
    for person in (host, grace):
        context = outbox.last(person.email).context
        assert context["people"] == [] and context["more_people"] == 0
        assert context["directory_url"] == ""


def test_only_twenty_people_are_named_and_the_directory_has_the_rest(
    app, make_user, outbox
) -> None:
    host = make_user(display_name="Host")
    going = [host] + [make_user(display_name=f"Guest {n:02}") for n in range(24)]
    event = ended_event(app, host, going, directory="everyone")
    run_job(app)
    context = outbox.last(host.email).context
    assert [p["display_name"] for p in context["people"]] == [f"Guest {n:02}" for n in range(20)]
    assert context["more_people"] == 4
    assert context["directory_url"].endswith(f"/events/{event.slug}/people")


def test_unverified_and_deleted_people_get_nothing(app, make_user, outbox) -> None:
    host = make_user()
    leaving = make_user()
    unverified = make_user()
    ended_event(app, host, [host, leaving, unverified])
    set_values(app, unverified, email_verified_at=None)
    set_values(app, leaving, deleted_at=utcnow())
    run_job(app)
    assert [m.recipient for m in outbox.messages()] == [host.email]
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage)).all()
    # The deleted person is not named; the unverified one is (only their mail waits).
    assert [p["display_name"] for p in message.context["people"]] == [unverified.display_name]


def test_a_headline_shows_only_where_the_profile_may_be_seen(app, make_user, outbox) -> None:
    host = make_user(display_name="Ada Lovelace")
    grace = make_user(display_name="Grace Hopper")
    set_values(app, grace, headline="Compilers", profile_visibility="private")
    ended_event(app, host, [host, grace])  # Grace chose to be listed at this event
    run_job(app)
    [person] = outbox.last(host.email).context["people"]
    assert person["display_name"] == "Grace Hopper" and person["headline"] == ""


def test_suggestions_are_shown_with_their_links_never_across_a_block(
    app, make_user, outbox, monkeypatch
) -> None:
    from dataclasses import dataclass

    from meetup.services.followups import sending

    @dataclass
    class Suggestion:
        user_id: int
        display_name: str
        headline: str
        reasons: list[str]

    host = make_user(display_name="Ada Lovelace")
    grace = make_user(display_name="Grace Hopper")
    stranger = make_user(display_name="Katherine Johnson")
    blocked = make_user(display_name="Bob Blocker")
    event = ended_event(app, host, [host, grace])
    block(app, blocked, host)
    monkeypatch.setattr(
        sending,
        "suggestions_for",
        lambda event, ids, **_: {
            host.id: [
                Suggestion(grace.id, "Grace Hopper", "Compilers", ["You both like Python"]),
                Suggestion(stranger.id, "Katherine Johnson", "", ["She offers mentoring"]),
                Suggestion(blocked.id, "Bob Blocker", "", ["Blocked"]),
            ]
        },
    )
    run_job(app)
    context = outbox.last(host.email).context
    # Grace, met, is named once: suggested, with the reasons and her tick.
    assert context["people"] == []
    suggested = context["suggestions"]
    assert [s["display_name"] for s in suggested] == ["Grace Hopper", "Katherine Johnson"]
    grace_card, stranger_card = suggested
    assert grace_card["stay_in_touch_url"]  # met here: she may be ticked
    assert stranger_card["stay_in_touch_url"] == ""  # not met here
    assert stranger_card["connect_url"].endswith(
        f"/people/{stranger.id}/connect?event={event.slug}"
    )
    assert stranger_card["profile_url"].endswith(f"/people/{stranger.id}")
    assert outbox.last(grace.email).context["suggestions"] == []


def test_links_made_in_bulk_are_the_single_links(app) -> None:
    from meetup.lib.tokens import make_token, read_token, token_maker
    from meetup.lib.urls import external_url, url_per_id

    with app.app_context():
        many = url_per_id("connections.ask", "person_id", event="a b&c")
        assert many(42) == external_url("connections.ask", person_id=42, event="a b&c")
        token = token_maker("test")({"n": 1})
        assert read_token("test", token, max_age=timedelta(days=1)) == {"n": 1}
        assert len(token) == len(make_token("test", {"n": 1}))
