"""A deleted member leaves nothing of themselves in other people's rows.

Issue 34, item 5: follow-ups already sent to the other attendees kept the
person's name and headline, their request emails kept their name and note,
and the stored suggestion lists of others kept them (and their company)
until the next build. The class-level proof: a rich world around one member,
who deletes their account; then every text and JSON column of every table,
and every message left in the outbox as the worker would render it, is
searched for anything that was theirs.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, String, Text, select, update

from meetup.extensions import db
from meetup.mail.compose import build_message, render_bodies
from meetup.models import (
    ConnectionRequest,
    Event,
    OutboxMessage,
    OutboxStatus,
    SuggestionList,
    User,
)
from meetup.models.types import utcnow
from meetup.services.accounts import privacy_settings, profiles
from meetup.services.connections import asking, ticks
from meetup.services.hosting import announcements, hosts
from meetup.services.personal_data import registry
from meetup.services.rsvps import replying
from meetup.services.suggestions import builds
from tests.followups.helpers import ended_event, run_job
from tests.plugins.app import DEFAULT_PASSWORD

NAME = "Zenobia Quillfeather"
EMAIL = "zenobia@example.org"
HEADLINE = "Xylophone whisperer"
COMPANY = "Vortexcorp"
NOTE = "Remember the okapi stampede"
# What must be found nowhere once she is gone (compared without case).
FRAGMENTS = ("zenobia", "quillfeather", "xylophone", "vortexcorp", "okapi stampede")


def _profile(
    person: User,
    *,
    headline: str,
    company: str,
    offers=(),
    seeks=(),
    interests=("narwhals", "rust"),
) -> None:
    profiles.update_profile(
        person, display_name=person.display_name, headline=headline, company=company, bio="",
        interests=list(interests), links=[], offers=offers, seeks=seeks, timezone="UTC",
    )  # fmt: skip
    privacy_settings.update_privacy(
        person, profile_visibility="public", is_listed_in_directories=True,
        is_email_shared_with_connections=True, is_followup_email_wanted=True,
    )  # fmt: skip


def _world(app, make_user, make_event) -> dict[str, Any]:
    """Zenobia among others: a past event she created and everyone attended
    (its follow-ups sent, naming her among the people met or suggested, her
    company a reason), an upcoming one she hosts (a message of hers, an
    invitation to co-host from her, stored suggestions of her), requests
    either way with her note, an accepted one, mutual ticks."""
    zed = make_user(display_name=NAME, email=EMAIL)
    ada, ben, cy, dee = (make_user(display_name=name) for name in ("Ada", "Ben", "Cy", "Dee"))
    with app.app_context():
        get = lambda person: db.session.get(User, person.id)  # noqa: E731
        _profile(get(zed), headline=HEADLINE, company=COMPANY, offers=["mentoring"])
        # Ada works where Zed does (her company a reason), Ben and Cy
        # elsewhere; Dee shares nothing with her, so Zed is among the people
        # Dee met, not among Dee's suggestions (a person is named once).
        for person, company in (
            (ada, "VORTEXCORP Inc."),
            (ben, "Quartzworks"),
            (cy, "Quartzworks"),
        ):
            _profile(get(person), headline=f"{person.display_name} at work",
                     company=company, seeks=["mentoring"])  # fmt: skip
        _profile(get(dee), headline="Dee at work", company="Quartzworks", interests=["knitting"])
        db.session.commit()
    past = ended_event(app, zed, [zed, ada, ben, cy, dee], directory="everyone")
    upcoming = make_event(creator=zed, directory_visibility="everyone")
    with app.app_context():
        assert builds.build_suggestions(db.session.get(Event, past.id))
        db.session.commit()
    assert run_job(app)[-1].queued == 5
    with app.app_context():
        row = db.session.get(Event, upcoming.id)
        for person in (zed, ada, ben):
            replying.respond(get(person), row, replying.Reply(True))
        assert builds.build_suggestions(row)
        announcements.message_attendees(
            get(zed), row, audience="going", subject="Doors", body="See you at seven."
        )
        hosts.invite_cohost(get(zed), row, email=cy.email)
        asking.ask_to_connect(get(zed), cy.id, note=NOTE)
        asking.ask_to_connect(get(zed), ada.id, note=NOTE)
        asking.ask_to_connect(get(ben), zed.id, note="Hello")
        db.session.commit()
        request_id = db.session.scalar(
            select(ConnectionRequest.id).where(ConnectionRequest.requester_id == ben.id)
        )
        asking.accept_request(get(zed), request_id)
        past_row = db.session.get(Event, past.id)
        ticks.tick(get(zed), past_row, dee.id)
        ticks.tick(get(dee), past_row, zed.id)
        # Some of it went out already, the rest waits for the worker.
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.recipient.in_([ada.email, dee.email]))
            .values(status=OutboxStatus.SENT, sent_at=utcnow())
        )
        db.session.commit()
    return {"zed": zed, "others": (ada, ben, cy, dee), "past": past, "upcoming": upcoming}


def _texts() -> list[tuple[str, str, Any, str]]:
    """(table, column, row's key, text) for every text and JSON value stored."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        key = list(table.primary_key.columns)
        for row in db.session.execute(select(*key, *columns)):
            values = row[len(key) :]
            for column, value in zip(columns, values, strict=True):
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                found.append((table.name, column.name, tuple(row[: len(key)]), text))
    return found


def _mentions(texts) -> list[tuple[str, str, Any, str]]:
    return [
        (table, column, key, fragment)
        for table, column, key, text in texts
        for fragment in FRAGMENTS
        if fragment in text.lower()
    ]


def test_a_deleted_member_is_left_in_no_one_elses_rows(app, make_user, make_event) -> None:
    world = _world(app, make_user, make_event)
    zed, others = world["zed"], world["others"]
    other_ids = {person.id for person in others}
    with app.app_context():
        # The world does mention her where the issue says, or the test proves nothing.
        before = {(table, column) for table, column, _, _ in _mentions(_texts())}
        assert {("outbox_message", "subject"), ("outbox_message", "context"),
                ("suggestion_list", "candidates")} <= before  # fmt: skip
        followups = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.template == "followup", OutboxMessage.recipient != EMAIL
            )
        ).all()
        named = {
            key
            for followup in followups
            for key in ("people", "suggestions")
            if NAME in [entry["display_name"] for entry in followup.context[key]]
        }
        assert named == {"people", "suggestions"}
        registry.delete_account(db.session.get(User, zed.id), password=DEFAULT_PASSWORD)
        db.session.commit()

        left = [
            hit
            for hit in _mentions(_texts())
            # The others' own profiles: their company is theirs.
            if not (hit[0] == "user_account" and hit[2][0] in other_ids)
        ]
        assert left == []
        # No list of anyone's names her any more, at once (not at the next build).
        for candidates in db.session.scalars(select(SuggestionList.candidates)):
            assert zed.id not in [entry[0] for entry in candidates]
        # Every message left renders and builds, and says nothing of her.
        for message in db.session.scalars(select(OutboxMessage)):
            text, html = render_bodies(message)
            built = build_message(message).as_string()
            for fragment in FRAGMENTS:
                for rendered in (text, html, message.subject):
                    assert fragment not in rendered.lower(), (message.template, fragment)
            assert EMAIL not in built


def test_mail_that_existed_only_because_of_her_goes_unsent(app, make_user, make_event) -> None:
    world = _world(app, make_user, make_event)
    zed, (ada, ben, cy, dee) = world["zed"], world["others"]
    with app.app_context():
        registry.delete_account(db.session.get(User, zed.id), password=DEFAULT_PASSWORD)
        db.session.commit()
        rows = {
            (message.recipient, message.template): message
            for message in db.session.scalars(select(OutboxMessage))
        }
    # Her request to Cy was still waiting: it goes. The one Ada got stays,
    # sent, but by a former member and without her note.
    assert (cy.email, "connection_request") not in rows
    sent = rows[(ada.email, "connection_request")]
    assert sent.subject == "A former member would like to connect"
    assert sent.context["asker"] == "A former member"
    assert sent.context["note"] == ""
    # Ben's "accepted" (waiting) goes; Dee's "both wanted" (sent) stays, scrubbed.
    assert (ben.email, "connection_accepted") not in rows
    mutual = rows[(dee.email, "stay_in_touch_mutual")]
    assert mutual.subject == "You and a former member both wanted to stay in touch"
    assert mutual.context["email"] == ""
    # The follow-ups keep everyone else.
    for person in (ada, ben, cy, dee):
        followup = rows[(person.email, "followup")]
        named = [
            entry["display_name"]
            for key in ("people", "suggestions")
            for entry in followup.context[key]
        ]
        assert sorted(named) == sorted({"Ada", "Ben", "Cy", "Dee"} - {person.display_name})


def test_only_what_names_her_is_rewritten(app, make_user) -> None:
    """Erasure replaced her name as a word wherever it stood: "Sam" gone,
    "Sam Lee" in someone else's follow-up read "a former member Lee", and an
    event's title or the hosts' words that held the name were rewritten."""
    host = make_user(display_name="Hanna Host")
    sam, sam_lee, ada = (make_user(display_name=n) for n in ("Sam", "Sam Lee", "Ada"))
    event = ended_event(app, host, [host, sam, sam_lee, ada], title="Sam's dinner")
    with app.app_context():
        row = db.session.get(Event, event.id)
        row.followup_message = "Thanks to Sam for the slides!"
        db.session.commit()
    run_job(app)
    with app.app_context():
        registry.delete_account(db.session.get(User, sam.id), password=DEFAULT_PASSWORD)
        db.session.commit()
        followup = db.session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.recipient == ada.email, OutboxMessage.template == "followup"
            )
        )
        named = [
            entry["display_name"]
            for key in ("people", "suggestions")
            for entry in followup.context[key]
        ]
        assert sorted(named) == ["Hanna Host", "Sam Lee"]  # Sam's entry went, by its link
        assert followup.context["event_title"] == "Sam's dinner"
        assert followup.context["host_message"] == "Thanks to Sam for the slides!"
        assert "Sam's dinner" in followup.subject
