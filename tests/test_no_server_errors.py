"""No input a stranger can type produces a server error: every route of the app
(found in app.url_map, so a new route joins by itself) gets random and hostile
URL variables, query strings and form bodies (huge numbers, far dates, control
characters, invalid UTF-8, missing and repeated fields), as an anonymous
visitor, a member and a host, and must answer below 500.

With TESTING on, an exception in a view reaches the test instead of a 500 page,
so hypothesis shows the input and the traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, Rule
from wtforms.fields.core import UnboundField

from meetup.extensions import db
from meetup.forms import Form
from meetup.models import Event, Series, SeriesOccurrence, User
from meetup.services.calendar import feeds
from meetup.services.events import questions
from meetup.services.rsvps import replying
from meetup.services.series import announcements, following
from tests.plugins.app import IN_CI, sign_in

EXAMPLES_PER_ROUTE = 15
METHODS = ("GET", "POST")
RAW_CSRF = "0" * 40

HOSTILE_TEXT = [
    "", " ", "0", "-1", "1e309", "nan", "99999999999999999999", "-99999999999999999999",
    "9999-12-31", "9999-12-31T23:59", "0001-01-01", "0001-01-01T00:00", "1969-12-31T23:59",
    "2199-12-31T23:59", "2200-01-01T00:00", "1970-01-01", "2199-12-31", "\x00", "\x1b[31m",
    "\r\nBcc: spy@example.org",
    "https://[::1", "http://host:99999/", "javascript:alert(1)", "=?utf-8?q?=0ABcc:_x?=",
    "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "../../etc/passwd", "%", "%00",
    "going", "not_going", "maybe", "Europe/Paris", "Pacific/Kiritimati", "Not/A_Zone",
    "x" * 5000, "\u202e\u200b\ufeff", "ǅ" * 40, "person1@example.org", "a@b", "@",
]  # fmt: skip
EDGES = [
    "9999-12-31", "0001-01-01", "9999-12-31T23:59", "0001-01-01T00:00", "99999999999999999999",
]  # fmt: skip
PLAUSIBLE = {
    "title": "Breakfast", "description": "**Hi**", "timezone": "Europe/Paris",
    "starts_at": "2031-06-10T08:00", "ends_at": "2031-06-10T10:00", "venue_name": "Café",
    "venue_address": "1 rue X", "online_url": "https://example.org/x", "capacity": "5",
    "guest_limit": "1", "rsvp_deadline": "2031-06-09T08:00", "topics": "python, data",
    "visibility": "public", "directory_visibility": "everyone", "response": "going",
    "guests": "1", "directory_choice": "shown", "weeks": "1", "email": "person1@example.org",
    "password": "correct horse battery", "display_name": "Ada", "label": "Why?",
    "kind": "choice", "choices": "a\nb", "audience": "both", "subject": "Hi", "body": "Hello",
    "message": "Sorry", "reason": "Full", "alarm_minutes": "15", "profile_visibility": "members",
    "links": "https://example.org", "interests": "python", "offers": "mentoring",
    "seeks": "hiring", "q": "person", "status": "going", "mode": "online", "page": "2",
    "starts_from": "2030-01-01", "starts_until": "2032-01-01", "topic": "python",
    "next": "/events", "back_to": "reply", "rating": "4", "is_coming_again": "yes",
    "comment": "Thanks",
    # The series form's schedule and an occurrence's edit scope
    "frequency": "monthly", "interval": "1", "weekdays": "3", "monthly_by": "weekday",
    "nth": "1", "nth_weekday": "3", "month_day": "15", "ends": "after", "until": "2032-01-01",
    "count": "5", "scope": "following",
}  # fmt: skip


def _field_names() -> set[str]:
    """Every field of every form of the app, plus what views read by hand."""
    names = set(PLAUSIBLE) | {"csrf_token", "new_password", "current_password", "remember"}
    pending = list(Form.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        for klass in form.__mro__:
            names.update(k for k, v in vars(klass).items() if isinstance(v, UnboundField))
    return names


@dataclass
class World:
    """A published event with a question, a draft, a host, a co-host and a
    member going, and a series the member follows: real values for the URL
    variables."""

    host: User
    member: User
    values: dict[str, list[Any]]


@pytest.fixture
def world(app: Flask, make_user, make_event, make_series) -> World:
    host, cohost, member = make_user(), make_user(), make_user()
    event = make_event(creator=host, cohosts=(cohost,), topics=["python"])
    draft = make_event(creator=host, publish=False)
    series = make_series(host=host)
    with app.app_context():
        live = db.session.get(Event, event.id)
        question = questions.add_question(
            db.session.get(User, host.id), live,
            questions.QuestionDraft(label="Why?", kind="short_text"),
        )  # fmt: skip
        rsvp = replying.respond(db.session.get(User, member.id), live, replying.Reply(True, 0, {}))
        token = feeds.feed_token(db.session.get(User, member.id))
        following.follow_series(db.session.get(User, member.id), db.session.get(Series, series.id))
        unsubscribe = announcements.unsubscribe_links(series.id)(member.id).rsplit("/", 1)[1]
        occurrence = db.session.scalars(
            select(SeriesOccurrence.event_id).where(SeriesOccurrence.series_id == series.id)
        ).first()
        db.session.commit()
        ids = {"question_id": [question.id], "rsvp_id": [rsvp.id]}
    return World(
        host=host,
        member=member,
        values={
            "slug": [event.slug, draft.slug, series.slug, db_slug(app, occurrence)],
            "topic": ["python"],
            "token": [token, unsubscribe],
            "person_id": [host.id, member.id],
            "user_id": [cohost.id],
            **ids,
        },
    )


def db_slug(app: Flask, event_id: int) -> str:
    with app.app_context():
        return db.session.get(Event, event_id).slug


def _routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint == "static":
            continue
        for method in METHODS:
            if method in rule.methods:
                yield rule, method


def _values() -> st.SearchStrategy[bytes]:
    """A hostile value as the bytes a browser (or anything else) may send."""
    hostile = st.sampled_from(HOSTILE_TEXT).map(str.encode)
    edges = st.sampled_from(EDGES).map(str.encode)
    far = st.datetimes()  # from the year 1 to 9999, its ends often
    return st.one_of(
        hostile,
        hostile,
        edges,
        st.text(max_size=30).map(str.encode),
        st.binary(max_size=12),  # mostly invalid UTF-8
        st.integers().map(lambda n: str(n).encode()),
        far.map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M").encode()),
        far.map(lambda moment: moment.strftime("%Y-%m-%d").encode()),
    )


def _encode(pairs: list[tuple[str, bytes]]) -> str:
    return "&".join(f"{quote(name)}={quote_from_bytes(value, safe='')}" for name, value in pairs)


@st.composite
def _fields(draw: st.DrawFn, names: list[str]) -> list[tuple[str, bytes]]:
    """Plausible values but a few fields hostile or missing (to get past the
    first field a form checks), or hostile and missing fields everywhere; and
    some fields repeated or unknown."""
    pairs = {name: value.encode() for name, value in PLAUSIBLE.items()}
    if draw(st.booleans()):
        changed = draw(st.lists(st.sampled_from(sorted(pairs)), max_size=3, unique=True))
    else:
        changed = [name for name in sorted(pairs) if draw(st.booleans())]
    for name in changed:
        value = draw(st.none() | _values())
        if value is None:
            del pairs[name]
        else:
            pairs[name] = value
    pairs = list(pairs.items())
    extra = st.tuples(st.sampled_from(names), _values())
    pairs += draw(st.lists(extra, max_size=6))
    return draw(st.permutations(pairs))


@st.composite
def _url(draw: st.DrawFn, rule: Rule, real: dict[str, list[Any]]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        # Mostly real values, to get past the 404 to the view's own checks.
        if real.get(name) and draw(st.integers(0, 3)):
            return quote(str(draw(st.sampled_from(real[name]))), safe="")
        if isinstance(rule._converters[name], IntegerConverter):
            number = draw(st.sampled_from([0, 2**31, 2**63, 10**20]) | st.integers(min_value=0))
            return str(number)
        return quote_from_bytes(draw(_values()), safe="") or "x"

    return re.sub(r"<(?:[^:<>]+:)?(?P<name>[^<>]+)>", fill, rule.rule)


def test_no_input_gives_a_server_error(app: Flask, world: World) -> None:
    routes = list(_routes(app))
    assert len(routes) > 60  # every route, with both methods where it has them
    for rule, method in routes:
        _check_route(app, world, rule, method)


def _check_route(app: Flask, world: World, rule: Rule, method: str) -> None:
    """Send EXAMPLES_PER_ROUTE hostile requests to one route."""
    names = sorted(_field_names())
    answer_names = [f"answer_{qid}" for qid in world.values["question_id"]]
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(RAW_CSRF)

    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        derandomize=IN_CI,
        database=None if IN_CI else settings.default.database,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        who=st.sampled_from([None, world.member, world.host]),
        url=_url(rule, world.values),
        query=_fields(names),
        form=_fields(names + answer_names),
        csrf=st.sampled_from(["valid"] * 8 + ["missing", "wrong"]),
    )
    def send(who: User | None, url: str, query: list, form: list, csrf: str) -> None:
        client: FlaskClient = app.test_client()
        if who is not None:
            sign_in(client, who)
        with client.session_transaction() as session:
            session["csrf_token"] = RAW_CSRF
        if csrf != "missing":
            form = [("csrf_token", (token if csrf == "valid" else "x").encode()), *form]
        response = client.open(
            f"{url}?{_encode(query)}",
            method=method,
            data=_encode(form) if method == "POST" else None,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code < 500, (method, url, response.status_code)

    send()
