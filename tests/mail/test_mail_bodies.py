"""Every mail template, rendered by the real renderer with a fixed context,
against its snapshot in __snapshots__/test_mail_bodies/ (one .txt and one
.html file per case; review them in the diff like code).

A template changed on purpose: `make test PYTEST_ARGS="tests/mail/test_mail_bodies.py
--snapshot-update"`, then read the diff. A new template: add its cases to
CASES first (the discovery test fails until then).

The contexts have the keys the services queue for each template (grep
`template=` in meetup/services/), with fixed values: no dates from the clock,
no real tokens, no Message-IDs, so a snapshot changes only when the words do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2.meta
import pytest
from flask import Flask
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from meetup import create_app
from meetup.mail.compose import build_message, render_bodies
from meetup.models import OutboxMessage
from tests.plugins.app import app_settings

BASE = "http://localhost"
SLUG = "product-people-breakfast-k3x9"
EVENT_URL = f"{BASE}/events/{SLUG}"
WHEN = "Thu 12 Jun 2025, 18:30–20:30 CEST"
VENUE = "Station F, 5 Parvis Alan Turing, 75013 Paris"
ONLINE_URL = "https://meet.example.org/product-breakfast"
# Passed by every caller beside the context (the subject) or imported (macros).
NOT_CONTEXT = {"subject", "button"}
# Only in messages that carry a calendar part (services.invitations).
ONLY_WITH_CALENDAR = {"invitation"}


def _event(**extra: Any) -> dict[str, Any]:
    """services.event_mail.event_context for a fixed event in Paris."""
    return {
        "event_title": "Product people breakfast",
        "when": WHEN,
        "venue": VENUE,
        "is_online": False,
        "url": EVENT_URL,
        **extra,
    }


def _invitation(method: str) -> dict[str, Any]:
    """calendar.invitations.invitation_snapshot, frozen."""
    return {
        "method": method,
        "uid": "0f6c1d2e3b4a59687766554433221100@meetup",
        "sequence": 0 if method == "REQUEST" else 1,
        "start": "2025-06-12T16:30:00+00:00",
        "end": "2025-06-12T18:30:00+00:00",
        "summary": "Product people breakfast",
        "description": f"Coffee and croissants.\n\n{WHEN} (Europe/Paris)\n\n{EVENT_URL}",
        "location": VENUE,
        "url": EVENT_URL,
        "status": "CANCELLED" if method == "CANCEL" else "CONFIRMED",
        "organizer_name": "Camille Martin",
        "last_modified": "2025-06-01T09:00:00+00:00",
    }


def _rsvp(notice: str, status: str, *, position: int | None = None, **extra: Any) -> dict:
    """services.rsvps.notices._notice_mail's context."""
    method = "REQUEST" if status == "going" else None
    return (
        _event(
            name="Ada Lovelace",
            notice=notice,
            status=status,
            position=position,
            guests=0,
            note="",
            when_for_you="",
            online_url="",
            my_events_url=f"{BASE}/my/events",
            **({"invitation": _invitation(method), "alarm_minutes": 60} if method else {}),
        )
        | extra
    )


@dataclass(frozen=True)
class Case:
    subject: str
    context: dict[str, Any]
    calendar_method: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _followup(**extra: Any) -> dict[str, Any]:
    """services.followups.context.followup_context, frozen."""
    return _event(
        name="Ada Lovelace",
        unsubscribe_url=f"{BASE}/unsubscribe/followups/TOKEN",
        privacy_url=f"{BASE}/account/privacy",
    ) | {
        "directory_url": f"{EVENT_URL}/people",
        "next_events": [],
        "host_message": "",
        "host_message_html": "",
        "host_names": "Grace Hopper and Alan Turing",
        "feedback_url": f"{EVENT_URL}/feedback",
        **extra,
    }


def _met(user_id: int, name: str, headline: str) -> dict[str, Any]:
    return {
        "display_name": name,
        "headline": headline,
        "stay_in_touch_url": f"{BASE}/stay-in-touch/TOKEN-{user_id}",
        "connect_url": f"{BASE}/people/{user_id}/connect?event={SLUG}",
    }


COMMUNITY = {
    "name": "Ada Lovelace",
    "community_name": "Paris UX Nights",
    "community_url": f"{BASE}/communities/paris-ux-nights",
    "unsubscribe_url": f"{BASE}/communities/unsubscribe/TOKEN",
}
COMMUNITY_HEADERS = {
    "List-Unsubscribe": f"<{BASE}/communities/unsubscribe/TOKEN>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}
NEXT_EVENTS = [
    {
        "title": "Product people lunch",
        "when": "Thu 10 Jul 2025, 12:30–14:00 CEST",
        "url": f"{BASE}/events/product-people-lunch-p2q7",
    }
]
FOLLOWUP_HEADERS = {
    "List-Unsubscribe": f"<{BASE}/unsubscribe/followups/TOKEN>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


CASES: dict[str, dict[str, Case]] = {
    "followup": {
        "people, suggestions and next events": Case(
            "After Product people breakfast: the people you met",
            _followup(
                kind="full",
                people=[
                    _met(2, "Grace Hopper", "Compiler engineer at Remington Rand"),
                    _met(3, "Émile <Zola>", ""),
                ],
                more_people=18,
                suggestions=[
                    {
                        "display_name": "Katherine Johnson",
                        "headline": "Orbital mechanics",
                        "reasons": ["You both care about space flight", "She offers mentoring"],
                        "profile_url": f"{BASE}/people/4",
                        "stay_in_touch_url": f"{BASE}/stay-in-touch/TOKEN-4",
                        "connect_url": f"{BASE}/people/4/connect?event={SLUG}",
                    },
                    {
                        "display_name": "Alan Turing",
                        "headline": "",
                        "reasons": ["You both care about machine learning"],
                        "profile_url": f"{BASE}/people/5",
                        "stay_in_touch_url": "",
                        "connect_url": f"{BASE}/people/5/connect?event={SLUG}",
                    },
                ],
                next_events=NEXT_EVENTS,
            ),
            headers=FOLLOWUP_HEADERS,
        ),
        "the hosts' message": Case(
            "After Product people breakfast: the people you met",
            _followup(
                kind="full",
                people=[_met(2, "Grace Hopper", "")],
                more_people=0,
                suggestions=[],
                host_message="Thank you **all**! Slides: <https://example.com/slides>",
                host_message_html=(
                    "<p>Thank you <strong>all</strong>! Slides: "
                    '<a href="https://example.com/slides" rel="nofollow noopener">'
                    "https://example.com/slides</a></p>\n"
                ),
            ),
            headers=FOLLOWUP_HEADERS,
        ),
        "nobody shown": Case(
            "After Product people breakfast: the people you met",
            _followup(kind="full", people=[], more_people=0, suggestions=[], directory_url=""),
            headers=FOLLOWUP_HEADERS,
        ),
    },
    "followup_missed": {
        "next events": Case(
            "Sorry we missed you at Product people breakfast",
            _followup(kind="missed", next_events=NEXT_EVENTS),
            headers=FOLLOWUP_HEADERS,
        ),
        "nothing next": Case(
            "Sorry we missed you at Product people breakfast",
            _followup(kind="missed"),
            headers=FOLLOWUP_HEADERS,
        ),
    },
    "account_exists": {
        "default": Case(
            "You already have an account",
            {
                "name": "Ada Lovelace",
                "login_url": f"{BASE}/login",
                "reset_url": f"{BASE}/password/forgot",
            },
        ),
    },
    "address_in_use": {
        "default": Case("Your address was offered for another account", {"name": "Ada Lovelace"}),
    },
    "cancel_email_change": {
        "default": Case(
            "A change of your email address was requested",
            {
                "name": "Ada Lovelace",
                "url": f"{BASE}/account/email/cancel/TOKEN",
                "valid_for": "24 hours",
                "new_email": "ada@new.example.org",
            },
        ),
    },
    "connection_accepted": {
        "default": Case(
            "Grace Hopper accepted your request to connect",
            {
                "name": "Ada Lovelace",
                "other": "Grace Hopper",
                "email": "",
                "url": f"{BASE}/connections",
            },
        ),
        "email shared": Case(
            "Grace Hopper accepted your request to connect",
            {
                "name": "Ada Lovelace",
                "other": "Grace Hopper",
                "email": "grace@example.org",
                "url": f"{BASE}/connections",
            },
        ),
    },
    "connection_request": {
        "met, with a note": Case(
            "Ada Lovelace would like to connect",
            {
                "name": "Grace Hopper",
                "asker": "Ada Lovelace",
                "note": "Loved your talk on compilers <3",
                "met_at": "Product people breakfast",
                "url": f"{BASE}/connections/requests",
            },
        ),
        "no note": Case(
            "Ada Lovelace would like to connect",
            {
                "name": "Grace Hopper",
                "asker": "Ada Lovelace",
                "note": "",
                "met_at": "",
                "url": f"{BASE}/connections/requests",
            },
        ),
    },
    "stay_in_touch_mutual": {
        "default": Case(
            "You and Grace Hopper both wanted to stay in touch",
            {
                "name": "Ada Lovelace",
                "other": "Grace Hopper",
                "event_title": "Product people breakfast",
                "email": "",
                "url": f"{BASE}/connections",
            },
        ),
        "email shared": Case(
            "You and Grace Hopper both wanted to stay in touch",
            {
                "name": "Ada Lovelace",
                "other": "Grace Hopper",
                "event_title": "Product people breakfast",
                "email": "grace@example.org",
                "url": f"{BASE}/connections",
            },
        ),
    },
    "community_admin_invitation": {
        "default": Case(
            "Would you help run “Paris UX Nights”?",
            {
                "inviter": "Camille Martin",
                "community_name": "Paris UX Nights",
                "url": f"{BASE}/community-admin-invitations/TOKEN",
                "community_url": f"{BASE}/communities/paris-ux-nights-k3x9",
                "valid_for": "7 days",
            },
        ),
    },
    "community_digest": {
        "two events": Case(
            "Paris UX Nights: this week's new events",
            {
                **COMMUNITY,
                "events": [
                    _event(when="Thu 12 Jun 2025, 12:30–14:30 EDT"),
                    _event(
                        event_title="Online critique",
                        venue="",
                        is_online=True,
                        url=f"{BASE}/events/online-critique-a1b2",
                    ),
                ],
            },
            headers=COMMUNITY_HEADERS,
        ),
    },
    "community_event": {
        "in person": Case(
            "Paris UX Nights: Product people breakfast",
            {**COMMUNITY, **_event(when="Thu 12 Jun 2025, 12:30–14:30 EDT")},
            headers=COMMUNITY_HEADERS,
        ),
        "online": Case(
            "Paris UX Nights: Product people breakfast",
            {**COMMUNITY, **_event(venue="", is_online=True)},
            headers=COMMUNITY_HEADERS,
        ),
    },
    "series_occurrence": {
        "in person": Case(
            "Paris UX Nights: a new date",
            {
                **_event(when="Thu 12 Jun 2025, 12:30–14:30 EDT"),
                "name": "Ada Lovelace",
                "series_title": "Paris UX Nights",
                "series_url": f"{BASE}/series/paris-ux-nights",
                "unsubscribe_url": f"{BASE}/unsubscribe/series/TOKEN",
            },
            headers={
                "List-Unsubscribe": f"<{BASE}/unsubscribe/series/TOKEN>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ),
    },
    "community_message": {
        "markdown": Case(
            "Paris UX Nights: New venue",
            {
                **COMMUNITY,
                "admin_name": "Grace Hopper",
                "message_subject": "New venue",
                "body_text": "We meet at Station F from June.\n- bring a badge\n- arrive early",
                "body_html": (
                    "<p>We meet at <strong>Station F</strong> from June.</p>\n"
                    "<ul>\n<li>bring a badge</li>\n<li>arrive early</li>\n</ul>\n"
                ),
            },
            headers=COMMUNITY_HEADERS,
        ),
    },
    "confirm_email_change": {
        "default": Case(
            "Confirm your new email address",
            {
                "name": "Ada Lovelace",
                "url": f"{BASE}/account/email/confirm/TOKEN",
                "valid_for": "24 hours",
            },
        ),
    },
    "email_changed": {
        "default": Case(
            "Your email address was changed",
            {"name": "Ada Lovelace", "new_email": "ada@new.example.org"},
        ),
    },
    "event_cancelled": {
        "going": Case(
            "Cancelled: Product people breakfast",
            _event(
                name="Ada Lovelace",
                online_url="",
                alarm_minutes=60,
                cancellation_message="Our speaker is ill; we'll announce a new date soon.",
                invitation=_invitation("CANCEL"),
            ),
            calendar_method="CANCEL",
        ),
        "waitlisted": Case(
            "Cancelled: Product people breakfast",
            _event(name="Ada Lovelace", online_url="", cancellation_message=""),
        ),
    },
    "event_changed": {
        "default": Case(
            "Changed: Product people breakfast",
            _event(
                name="Ada Lovelace",
                is_online=True,
                online_url=ONLINE_URL,
                cancellation_message="",
                invitation=_invitation("REQUEST"),
                alarm_minutes=None,
            ),
            calendar_method="REQUEST",
        ),
    },
    "membership_welcome": {
        "default": Case(
            "Welcome to Paris UX Nights",
            {
                "name": "Ada Lovelace",
                "community": "Paris UX Nights",
                "url": f"{BASE}/communities/paris-ux-nights/join",
                "choices_url": f"{BASE}/my/communities",
            },
        ),
    },
    "host_invitation": {
        "default": Case(
            "Would you co-host “Product people breakfast”?",
            _event(
                inviter="Camille Martin",
                url=f"{BASE}/host-invitations/TOKEN",
                event_url=EVENT_URL,
                valid_for="14 days",
            ),
        ),
    },
    "host_message": {
        "default": Case(
            "Product people breakfast: Doors open at 8:15",
            _event(
                name="Ada Lovelace",
                host_name="Camille Martin",
                body="Doors open at 8:15.\n\nBring a badge <if you have one> & a smile.",
            ),
        ),
    },
    "reminder": {
        "in-person": Case(
            "Reminder: Product people breakfast",
            _event(
                name="Ada Lovelace",
                guests=2,
                online_url="",
                what_to_bring="Your laptop\nA business card",
            ),
        ),
        "online": Case(
            "Reminder: Product people breakfast",
            _event(
                name="Ada Lovelace",
                guests=0,
                venue="",
                is_online=True,
                online_url=ONLINE_URL,
                what_to_bring="",
            ),
        ),
    },
    "reset_password": {
        "default": Case(
            "Reset your password",
            {"name": "Ada Lovelace", "url": f"{BASE}/password/reset/TOKEN", "valid_for": "1 hour"},
        ),
    },
    "rsvp_status": {
        "going": Case(
            "You're going: Product people breakfast",
            _rsvp("going", "going", guests=1, when_for_you="Thu 12 Jun 2025, 12:30–14:30 EDT"),
            calendar_method="REQUEST",
        ),
        "going-online": Case(
            "You're going: Product people breakfast",
            _rsvp("going", "going", is_online=True, online_url=ONLINE_URL),
            calendar_method="REQUEST",
        ),
        "waitlisted": Case(
            "You're number 3 on the waitlist: Product people breakfast",
            _rsvp("waitlisted", "waitlisted", position=3),
        ),
        "promoted": Case(
            "A seat opened up, you're going: Product people breakfast",
            _rsvp("promoted", "going", guests=2),
            calendar_method="REQUEST",
        ),
        "pending": Case(
            "Your request is with the hosts: Product people breakfast",
            _rsvp("pending", "pending", is_online=True),
        ),
        "approved-going": Case(
            "Approved, you're going: Product people breakfast",
            _rsvp("approved", "going", note="See you there!\nAsk for Camille at the desk."),
            calendar_method="REQUEST",
        ),
        "approved-waitlisted": Case(
            "Approved, you're number 1 on the waitlist: Product people breakfast",
            _rsvp("approved", "waitlisted", position=1),
        ),
        "declined": Case(
            "The hosts declined your request: Product people breakfast",
            _rsvp("declined", "declined", note="Sorry, this one is for members of the guild."),
        ),
        "removed": Case(
            "You are no longer on the list: Product people breakfast",
            _rsvp("removed", "removed", invitation=_invitation("CANCEL"), alarm_minutes=60),
            calendar_method="CANCEL",
        ),
        "withdrawn": Case(
            "You withdrew your reply: Product people breakfast",
            _rsvp("withdrawn", "not_going", invitation=_invitation("CANCEL"), alarm_minutes=60),
            calendar_method="CANCEL",
        ),
    },
    "verify_email": {
        "default": Case(
            "Confirm your email address",
            {"name": "Ada Lovelace", "url": f"{BASE}/verify-email/TOKEN", "valid_for": "3 days"},
        ),
    },
}

CASE_IDS = [f"{template}-{name}" for template, cases in CASES.items() for name in cases]


class TextBody(SingleFileSnapshotExtension):
    file_extension = "txt"
    _write_mode = WriteMode.TEXT


class HtmlBody(SingleFileSnapshotExtension):
    file_extension = "html"
    _write_mode = WriteMode.TEXT


@pytest.fixture(scope="module")
def mail_app() -> Flask:
    """An app for rendering only: the templates need no database."""
    return create_app(app_settings("sqlite://"))


def _queued(case_id: str) -> OutboxMessage:
    """The outbox row a service would have queued (not stored)."""
    template, _, name = case_id.partition("-")
    case = CASES[template][name]
    return OutboxMessage(
        recipient="ada@example.org",
        subject=case.subject,
        template=template,
        context=case.context,
        headers=case.headers,
        calendar=None,
        calendar_method=case.calendar_method,
        message_id="<0123456789abcdef0123456789abcdef@localhost>",
    )


def _template_names(app: Flask) -> tuple[set[str], set[str]]:
    folder = Path(app.root_path, app.template_folder, "emails")
    bodies = [path for path in folder.iterdir() if not path.name.startswith("_")]
    return (
        {path.stem for path in bodies if path.suffix == ".txt"},
        {path.stem for path in bodies if path.suffix == ".html"},
    )


def test_every_template_pair_has_snapshot_cases(mail_app: Flask) -> None:
    texts, htmls = _template_names(mail_app)
    assert texts == htmls, "every mail needs both a .txt and an .html body"
    assert sorted(texts - CASES.keys()) == [], "add the new template's cases to CASES"
    assert sorted(CASES.keys() - texts) == [], "CASES names a template that is gone"


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_context_has_every_variable_the_template_reads(mail_app: Flask, case_id: str) -> None:
    """A variable left out would render blank in the snapshot, unnoticed."""
    message = _queued(case_id)
    for suffix in ("txt", "html"):
        name = f"emails/{message.template}.{suffix}"
        source = mail_app.jinja_env.loader.get_source(mail_app.jinja_env, name)[0]
        needed = jinja2.meta.find_undeclared_variables(mail_app.jinja_env.parse(source))
        missing = needed - NOT_CONTEXT - ONLY_WITH_CALENDAR - message.context.keys()
        assert not missing, f"{name} reads {sorted(missing)}"


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_text_body(mail_app: Flask, case_id: str, snapshot: Any) -> None:
    with mail_app.app_context():
        text, _ = render_bodies(_queued(case_id))
    assert text == snapshot(extension_class=TextBody)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_html_body(mail_app: Flask, case_id: str, snapshot: Any) -> None:
    with mail_app.app_context():
        _, html = render_bodies(_queued(case_id))
    assert html == snapshot(extension_class=HtmlBody)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_message_sent_carries_the_snapshotted_bodies(mail_app: Flask, case_id: str) -> None:
    """build_message sends exactly what render_bodies renders, so the
    snapshots are what people read."""
    message = _queued(case_id)
    with mail_app.app_context():
        text, html = render_bodies(message)
        email = build_message(message)
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in email.walk()
        if not part.is_multipart()
    }
    assert parts["text/plain"] == text
    assert parts["text/html"] == html
    assert ("text/calendar" in parts) == (message.calendar_method is not None)
