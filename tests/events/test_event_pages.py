"""Events: create, publish, edit, cancel, copy, delete, hosts, and the event page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, EventStatus, User
from meetup.models.types import utcnow
from meetup.services.events import questions

PASSWORD = "correct horse battery"
NEXT_YEAR = utcnow().year + 1


def _form(**overrides) -> dict:
    values = {
        "title": "Founders breakfast",
        "description": "Coffee, **introductions**, and a [talk](https://example.org/talk).",
        "timezone": "Europe/Paris",
        "starts_at": f"{NEXT_YEAR}-06-10T08:00",
        "ends_at": f"{NEXT_YEAR}-06-10T10:00",
        "venue_name": "Station F",
        "venue_address": "5 Parvis Alan Turing, Paris",
        "online_url": "",
        "capacity": "40",
        "rsvp_deadline": "",
        "topics": "Startups, fundraising",
        "visibility": "public",
        "directory_visibility": "attendees",
    }
    return {**values, **overrides}


def _event(app, slug: str) -> Event:
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        _ = event.topics, event.hosts
        db.session.expunge_all()
        return event


def _login(app, user):
    client = app.test_client()
    client.submit("/login", {"email": user.email, "password": PASSWORD})
    return client


def _slug(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_create_saves_a_draft_in_utc(app, client, auth, make_user) -> None:
    auth.login(make_user().email)
    response = client.submit("/events/new", _form())
    assert response.status_code == 303
    event = _event(app, _slug(response))
    assert event.status == EventStatus.DRAFT
    assert event.starts_at == datetime(NEXT_YEAR, 6, 10, 6, 0, tzinfo=UTC)  # CEST = UTC+2
    assert event.ends_at == datetime(NEXT_YEAR, 6, 10, 8, 0, tzinfo=UTC)
    assert [topic.name for topic in event.topics] == ["fundraising", "startups"]
    assert event.capacity == 40
    assert event.sequence == 0
    assert event.slug.startswith("founders-breakfast-")
    assert '<a href="https://example.org/talk" rel="nofollow noopener">talk</a>' in (
        event.description_html
    )
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Draft: only hosts can see this page" in page
    assert f"10 Jun {NEXT_YEAR}, 08:00–10:00 CEST" in page


def test_unverified_members_cannot_create(client, auth, make_user) -> None:
    auth.login(make_user(verified=False).email)
    response = client.submit("/events/new", _form())
    assert response.status_code == 403
    assert "Confirm your email address first" in response.get_data(as_text=True)


def test_publish_makes_the_event_public(app, client, auth, make_user, make_event) -> None:
    creator = make_user()
    event = make_event(creator=creator, publish=False)
    assert app.test_client().get(f"/events/{event.slug}").status_code == 404
    auth.login(creator.email)
    response = client.submit(f"/events/{event.slug}/publish", {}, page=f"/events/{event.slug}")
    assert response.status_code == 303
    assert app.test_client().get(f"/events/{event.slug}").status_code == 200
    assert _event(app, event.slug).published_at is not None


def test_authorization_matrix(app, make_user, make_event) -> None:
    creator, cohost, member = make_user(), make_user(), make_user()
    published = make_event(creator=creator, cohosts=(cohost,))
    anonymous = app.test_client()
    clients = {
        "anonymous": anonymous,
        "member": _login(app, member),
        "cohost": _login(app, cohost),
        "creator": _login(app, creator),
    }

    def draft() -> Event:
        return make_event(creator=creator, cohosts=(cohost,), publish=False)

    def status(who: str, method: str, url: str, data: dict | None = None) -> int:
        client = clients[who]
        if method == "GET":
            return client.get(url).status_code
        token = client.csrf_token("/login" if who == "anonymous" else "/")
        return client.post(url, data={"csrf_token": token, **(data or {})}).status_code

    expectations = {
        "anonymous": {"public": 200, "draft": 404, "create": 302, "edit": 302, "publish": 302,
                      "cancel": 302, "delete": 302, "hosts": 302},
        "member": {"public": 200, "draft": 404, "create": 200, "edit": 403, "edit_draft": 404,
                   "publish": 404, "cancel": 403, "delete": 404, "hosts": 403},
        "cohost": {"public": 200, "draft": 200, "create": 200, "edit": 200, "publish": 303,
                   "cancel": 200, "delete": 403, "hosts": 403},
        "creator": {"public": 200, "draft": 200, "create": 200, "edit": 200, "publish": 303,
                    "cancel": 200, "delete": 303, "hosts": 303},
    }  # fmt: skip
    for who, expected in expectations.items():
        d = draft()
        got = {
            "public": status(who, "GET", f"/events/{published.slug}"),
            "draft": status(who, "GET", f"/events/{d.slug}"),
            "create": status(who, "GET", "/events/new"),
            "edit": status(who, "GET", f"/events/{published.slug}/edit"),
            "publish": status(who, "POST", f"/events/{d.slug}/publish"),
            "cancel": status(who, "GET", f"/events/{published.slug}/cancel"),
            "delete": status(who, "POST", f"/events/{draft().slug}/delete"),
            "hosts": status(who, "POST", f"/events/{published.slug}/hosts",
                            {"email": make_user().email}),
        }  # fmt: skip
        if who == "member":
            got["edit_draft"] = status(who, "GET", f"/events/{d.slug}/edit")
        assert got == expected, who


def test_cohost_cannot_remove_other_hosts_and_creator_can(app, make_user, make_event) -> None:
    creator, cohost, other = make_user(), make_user(), make_user()
    event = make_event(creator=creator, cohosts=(cohost, other))
    url = f"/events/{event.slug}/hosts/{other.id}/remove"
    as_cohost = _login(app, cohost)
    assert as_cohost.submit(url, {}, page="/").status_code == 403
    as_creator = _login(app, creator)
    assert as_creator.submit(url, {}, page="/").status_code == 303
    assert _login(app, other).get(f"/events/{event.slug}/edit").status_code == 403
    assert as_cohost.get(f"/events/{event.slug}/edit").status_code == 200
    assert (
        as_cohost.submit(
            f"/events/{event.slug}/hosts/{creator.id}/remove", {}, page="/"
        ).status_code
        == 403
    )
    assert (
        as_creator.submit(
            f"/events/{event.slug}/hosts/{creator.id}/remove", {}, page="/"
        ).status_code
        == 404
    )  # the creator is not a co-host to remove


BAD_EVENTS = [
    ({"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T12:00"}, "starts_at",
     "Choose a start in the future."),
    ({"ends_at": f"{NEXT_YEAR}-06-10T07:00"}, "ends_at", "The event must end after it starts."),
    ({"ends_at": f"{NEXT_YEAR}-07-10T07:00"}, "ends_at", "An event can last at most 14 days."),
    ({"starts_at": f"{NEXT_YEAR}-03-28T02:30", "ends_at": f"{NEXT_YEAR}-03-28T04:00"},
     "starts_at", "does not exist in Europe/Paris"),
    ({"capacity": "0"}, "capacity", "Capacity is a number of seats from 1 to 100,000"),
    ({"capacity": "-5"}, "capacity", "Capacity is a number of seats from 1 to 100,000"),
    ({"capacity": "100001"}, "capacity", "Capacity is a number of seats from 1 to 100,000"),
    ({"capacity": "many"}, "capacity", "Not a valid integer value."),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Choose a time zone from the list."),
    ({"online_url": "javascript:alert(1)"}, "online_url", "is not a web address"),
    ({"online_url": "ftp://example.org/room"}, "online_url", "is not a web address"),
    ({"description": "x" * 50_001}, "description", "Use at most 50000 characters"),
    ({"title": ""}, "title", "Give the event a title."),
    ({"title": "t" * 201}, "title", "Use at most 200 characters"),
    ({"venue_name": "", "venue_address": "", "online_url": ""}, "venue_name",
     "Add a venue, an online link, or both."),
    ({"starts_at": "next tuesday"}, "starts_at", "Not a valid datetime value."),
    ({"rsvp_deadline": f"{NEXT_YEAR}-06-11T08:00"}, "rsvp_deadline",
     "The deadline for replies must be before the start."),
    ({"topics": "<b>"}, "topics", "cannot be used: topics may use"),
    ({"visibility": "secret"}, "visibility", "Choose one of the options."),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "message"), BAD_EVENTS)
def test_bad_input_is_refused_at_the_field(
    app, client, auth, make_user, change: dict, field: str, message: str
) -> None:
    auth.login(make_user().email)
    response = client.submit("/events/new", _form(**change))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">([^<]*)<', html)
    assert error, f"no error at {field}"
    assert message in error.group(1)
    with app.app_context():
        assert db.session.scalar(select(Event)) is None


def test_ambiguous_time_takes_the_first_occurrence_and_says_so(app, client, auth, make_user):
    auth.login(make_user().email)
    response = client.submit(
        "/events/new",
        _form(starts_at=f"{NEXT_YEAR}-10-31T02:30", ends_at=f"{NEXT_YEAR}-10-31T05:00"),
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "we used the first one" in html
    assert "the first of the two 02:30s" in html
    event = _event(app, re.search(r'/events/([a-z0-9-]+)/edit"', html).group(1))
    assert event.starts_at == datetime(NEXT_YEAR, 10, 31, 0, 30, tzinfo=UTC)  # still CEST


def test_material_changes_raise_the_sequence(app, client, auth, make_user, make_event) -> None:
    creator = make_user()
    event = make_event(creator=creator, description="Old text")
    auth.login(creator.email)
    edit_url = f"/events/{event.slug}/edit"

    def current_form(**changes):
        html = client.get(edit_url).get_data(as_text=True)
        values = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))
        values.update(re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="(\w+)"', html)[::-1])
        form = _form(
            title=event.title, venue_name=event.venue_name, venue_address=event.venue_address,
            starts_at=values["starts_at"], ends_at=values["ends_at"], topics="", capacity="",
        )  # fmt: skip
        return {**form, **changes}

    client.submit(edit_url, current_form(description="New text only"))
    assert _event(app, event.slug).sequence == 0
    client.submit(edit_url, current_form(title="A new title"))
    assert _event(app, event.slug).sequence == 1
    client.submit(edit_url, current_form(title="A new title", venue_name="Another place"))
    assert _event(app, event.slug).sequence == 2


def test_cancel_keeps_the_page_with_the_message(app, client, auth, make_user, make_event):
    creator = make_user()
    event = make_event(creator=creator)
    auth.login(creator.email)
    response = client.submit(
        f"/events/{event.slug}/cancel", {"message": "The venue flooded. See you next month!"}
    )
    assert response.status_code == 303
    page = app.test_client().get(f"/events/{event.slug}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This event is cancelled." in html and "The venue flooded." in html
    saved = _event(app, event.slug)
    assert saved.status == EventStatus.CANCELLED and saved.sequence == 1
    assert client.get(f"/events/{event.slug}/edit").status_code == 302
    assert event.title not in app.test_client().get("/events").get_data(as_text=True)


def test_only_drafts_are_deleted(app, client, auth, make_user, make_event) -> None:
    creator = make_user()
    published = make_event(creator=creator)
    auth.login(creator.email)
    client.submit(f"/events/{published.slug}/delete", {}, page="/")
    assert _event(app, published.slug) is not None
    draft = make_event(creator=creator, publish=False)
    client.submit(f"/events/{draft.slug}/delete", {}, page="/")
    with app.app_context():
        assert db.session.scalar(select(Event).where(Event.slug == draft.slug)) is None


def test_copy_moves_the_wall_clock_time_across_dst(app, client, auth, make_user, make_event):
    creator = make_user()
    event = make_event(
        creator=creator,
        starts_local=datetime(NEXT_YEAR, 10, 20, 18, 30),
        ends_local=datetime(NEXT_YEAR, 10, 20, 20, 30),
        topics=["python"],
    )
    auth.login(creator.email)
    response = client.submit(f"/events/{event.slug}/copy", {"weeks": "2"})
    assert response.status_code == 303
    copy_slug = response.headers["Location"].split("/")[-2]
    copy = _event(app, copy_slug)
    assert copy.status == EventStatus.DRAFT
    assert copy.starts_at == datetime(NEXT_YEAR, 11, 3, 17, 30, tzinfo=UTC)  # 18:30 CET
    assert [t.name for t in copy.topics] == ["python"]
    assert client.submit(f"/events/{event.slug}/copy", {"weeks": "0"}).status_code == 422


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "</title><script>alert(1)</script>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markup_never_reaches_the_page_active(app, client, auth, make_user, payload) -> None:
    auth.login(make_user().email)
    response = client.submit(
        "/events/new",
        _form(title=payload, description=payload, venue_name=payload, venue_address=payload),
    )
    assert response.status_code == 303
    slug = _slug(response)
    for url in (f"/events/{slug}", f"/events/{slug}/edit"):
        html = client.get(url).get_data(as_text=True)
        body = html.split("<body>", 1)[1]
        assert "<script>alert" not in html
        assert (
            "<svg" not in body
            and "<style" not in body
            and "onerror=alert" not in body.replace("onerror=alert(1)&gt;", "")
        )
        assert not re.search(r"<a\s[^>]*href=\"javascript:", html, re.IGNORECASE)
        assert not re.search(r"<[a-z]+\s[^>]*\sstyle=\"", body)


def test_event_page_for_visitors(app, make_user, make_event) -> None:
    host = make_user(display_name="Ada Okafor")
    event = make_event(
        creator=host,
        online_url="https://meet.example.org/secret-room",
        description="# Welcome\n\nBring cards.",
    )
    html = app.test_client().get(f"/events/{event.slug}").get_data(as_text=True)
    assert "secret-room" not in html  # the online link is for people going
    assert "Ada Okafor" in html and f"/people/{host.id}" in html
    assert '<meta property="og:title" content="Networking evening' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["@type"] == "Event" and data["name"] == event.title
    assert data["startDate"] == event.starts_at.isoformat()
    assert "secret-room" not in json.dumps(data)
    assert "https://www.openstreetmap.org/search?query=Station+F%2C+5+Parvis+Alan+Turing" in html
    assert "<h1>Welcome</h1>" in html
    as_host = _login(app, host).get(f"/events/{event.slug}").get_data(as_text=True)
    assert "https://meet.example.org/secret-room" in as_host


def test_times_in_the_viewers_zone_when_it_differs(app, make_user, make_event) -> None:
    event = make_event(
        starts_local=datetime(NEXT_YEAR, 6, 10, 18, 0),
        ends_local=datetime(NEXT_YEAR, 6, 10, 20, 0),
    )
    viewer = make_user()
    with app.app_context():
        from meetup.models import User

        db.session.get(User, viewer.id).timezone = "America/New_York"
        db.session.commit()
    html = _login(app, viewer).get(f"/events/{event.slug}").get_data(as_text=True)
    assert "18:00–20:00 CEST" in html
    assert "In your time zone: " in html and "12:00–14:00 EDT" in html
    assert "In your time zone" not in app.test_client().get(f"/events/{event.slug}").get_data(
        as_text=True
    )


def test_event_page_query_count_does_not_grow(app, make_user, make_event, count_queries):
    small = make_event()
    cohosts = tuple(make_user() for _ in range(6))
    big = make_event(cohosts=cohosts, topics=[f"topic {n}" for n in range(10)])
    client = app.test_client()
    client.get(f"/events/{small.slug}")  # warm caches
    with count_queries() as few:
        client.get(f"/events/{small.slug}")
    with count_queries() as many:
        assert client.get(f"/events/{big.slug}").status_code == 200
    # The event, with its topics, seats and hosts.
    assert many.count == few.count == 1, many.statements


def test_event_page_lists_hosts_in_the_order_they_joined(app, make_user, make_event) -> None:
    creator = make_user(display_name="Creator")
    # Made in one order, joining in the other: the page follows who joined first.
    later, sooner = make_user(display_name='Zoë "Z" <b>'), make_user(display_name="Ann")
    event = make_event(creator=creator, cohosts=(later, sooner))
    html = app.test_client().get(f"/events/{event.slug}").get_data(as_text=True)
    names = ["Creator", "Zoë &#34;Z&#34; &lt;b&gt;", "Ann"]
    positions = [
        html.index(f'/people/{person.id}/events">{name}</a>')
        for person, name in zip((creator, later, sooner), names, strict=True)
    ]
    assert positions == sorted(positions)


def test_host_page_lists_upcoming_and_past(app, make_user, make_event) -> None:
    host = make_user()
    upcoming = make_event(creator=host)
    draft = make_event(creator=host, publish=False)
    html = app.test_client().get(f"/people/{host.id}/events").get_data(as_text=True)
    assert upcoming.title in html and draft.title not in html
    own = _login(app, host).get(f"/people/{host.id}/events").get_data(as_text=True)
    assert draft.title in own


def test_deleting_an_account_keeps_published_events_and_drops_drafts(
    app, make_user, make_event
) -> None:
    creator, cohost = make_user(), make_user()
    published = make_event(creator=creator, cohosts=(cohost,))
    draft = make_event(creator=creator, publish=False)
    _login(app, creator).submit("/account/delete", {"password": PASSWORD})
    assert app.test_client().get(f"/events/{published.slug}").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Event).where(Event.slug == draft.slug)) is None
    assert _login(app, cohost).get(f"/events/{published.slug}/edit").status_code == 200


def test_a_week_is_not_a_fixed_168_hours(app) -> None:
    assert timedelta(weeks=1) == timedelta(hours=168)  # the copy test relies on wall time


# The signed-in page: the person (with the menu's count), the event (with its
# topics, seats, hosts and the person's own reply); and its questions, when
# it asks some, for someone who may answer them.
SIGNED_IN_PAGE_STATEMENTS = 2


def test_signed_in_event_page_query_count_does_not_grow(
    app, auth, make_user, make_event, reply, count_queries
) -> None:
    viewer = make_user()
    small = make_event(capacity=5)
    big = make_event(
        capacity=5, cohosts=tuple(make_user() for _ in range(4)), topics=["a", "b", "c"]
    )
    for event in (small, big):
        reply(viewer, event)
    for _ in range(8):  # going, then the waitlist
        reply(make_user(), big, guests=0)
    reply(make_user(), big, going=False)
    auth.login(viewer.email)
    client = auth.client
    client.get(f"/events/{small.slug}")  # warm caches
    with count_queries() as few:
        small_page = client.get(f"/events/{small.slug}").get_data(as_text=True)
    with count_queries() as many:
        big_page = client.get(f"/events/{big.slug}").get_data(as_text=True)
    assert "You're going" in small_page and "You're going" in big_page
    assert "4 on the waitlist" in big_page
    assert many.count == few.count == SIGNED_IN_PAGE_STATEMENTS, many.statements

    with app.app_context():
        event = db.session.get(Event, big.id)
        host = db.session.get(User, event.created_by_id)
        questions.add_question(host, event, questions.QuestionDraft("Your role?", "short_text"))
        db.session.commit()
    with count_queries() as asking:
        assert "Your role?" in client.get(f"/events/{big.slug}").get_data(as_text=True)
    assert asking.count == SIGNED_IN_PAGE_STATEMENTS + 1, asking.statements


@pytest.mark.parametrize("ended_days_ago", [1, 40], ids=["feedback open", "feedback closed"])
def test_an_ended_events_end_stays(app, client, auth, make_user, make_event, ended_days_ago):
    """Issue 34, item 2: moving a past event's end moved its feedback window,
    so a host could reopen feedback after the anonymous answers were released
    and read one more answer as the difference of two reports."""
    host = make_user()
    event = make_event(creator=host)
    end = (utcnow() - timedelta(days=ended_days_ago)).replace(second=0, microsecond=0)
    start = end - timedelta(hours=2)
    with app.app_context():
        row = db.session.get(Event, event.id)
        row.timezone, row.starts_at, row.ends_at = "UTC", start, end
        db.session.commit()
    auth.login(host.email)
    local = "%Y-%m-%dT%H:%M"
    for new_end in (end - timedelta(hours=1), end + timedelta(days=3)):
        response = client.submit(
            f"/events/{event.slug}/edit",
            _form(timezone="UTC", starts_at=start.strftime(local), ends_at=new_end.strftime(local)),
            page=f"/events/{event.slug}/edit",
        )
        assert response.status_code == 422
        error = re.search(r'id="ends_at-error">([^<]*)<', response.get_data(as_text=True))
        assert error and "has ended" in error.group(1)
    with app.app_context():
        assert db.session.get(Event, event.id).ends_at == end
    # Its other details still change.
    response = client.submit(
        f"/events/{event.slug}/edit",
        _form(
            timezone="UTC",
            starts_at=start.strftime(local),
            ends_at=end.strftime(local),
            title="Founders breakfast, the photos",
        ),
        page=f"/events/{event.slug}/edit",
    )
    assert response.status_code == 303
