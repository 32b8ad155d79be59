"""The path one RSVP POST takes through our modules: `python -m bench.call_path`.

Counts, for one POST of /events/<slug>/rsvp through the Flask test client,
how often the request crosses from one of our modules (meetup.*) into
another: an *entry* is a call whose function lives in a module other than the
innermost of ours on the stack (a call from Flask into a view counts, a call
inside one module does not, library code in between is transparent). Then:

- modules: how many of ours the request entered;
- entries: how many times it entered one;
- re-entries: entries into a module it had already been in and left
  ("returning to a module it had left"): entries minus modules.

Each resumption of a generator is a call to Python, so it counts as one
more entry when it crosses a module. Code Python generates (a dataclass's
__init__, whose globals are its module's) is not counted: building a value
is not entering the module's code. Counted, not timed: the same on a busy
machine. A fresh SQLite file each run (PostgreSQL when
MEETUP_DATABASE_URL is set: **its schema is dropped and rebuilt**); one
identical POST first, untraced, so imports and caches do not count.

Two scopes: "all" (every module of meetup: the view, the log-in, models,
lib...) and "services" (meetup.services alone; the rest is as transparent as
library code): the service path the view's one call starts.

    python -m bench.call_path                 # every scenario, the figures
    python -m bench.call_path going --trail   # one scenario, each entry in order
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any

# What counts as ours: every module of the app, or its services alone (then
# views, models, lib and the rest are as transparent as library code).
SCOPES = {"all": "meetup", "services": "meetup.services"}


@dataclass
class Trail:
    """Every entry into one of our modules, in order: (from, to); from is ""
    when nothing of ours was on the stack."""

    entries: list[tuple[str, str]] = field(default_factory=list)

    @property
    def modules(self) -> list[str]:
        return list(dict.fromkeys(to for _, to in self.entries))

    @property
    def reentries(self) -> int:
        return len(self.entries) - len(self.modules)

    def crossings(self) -> Counter[tuple[str, str]]:
        return Counter(self.entries)


def _is_ours(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _ours(frame: FrameType | None, prefix: str) -> str:
    """The module of the innermost frame of ours at or below `frame`."""
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if _is_ours(name, prefix) and not frame.f_code.co_filename.startswith("<"):
            return name
        frame = frame.f_back
    return ""


@contextmanager
def tracing(prefix: str) -> Iterator[Trail]:
    """Record every entry into a module under `prefix` while inside."""
    trail = Trail()

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event != "call" or frame.f_code.co_filename.startswith("<"):
            return
        module = frame.f_globals.get("__name__", "")
        if not _is_ours(module, prefix):
            return
        caller = _ours(frame.f_back, prefix)
        if caller != module:
            trail.entries.append((caller, module))

    sys.setprofile(profile)
    try:
        yield trail
    finally:
        sys.setprofile(None)


# The scenarios: each prepares an event and a member, committed, and returns
# (slug, the member's id, the form to post).

Scenario = Callable[[], tuple[str, int, dict[str, str]]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(function: Scenario) -> Scenario:
        SCENARIOS[name] = function
        return function

    return register


@scenario("going")
def going() -> tuple[str, int, dict[str, str]]:
    """A new reply, going, to an event with seats left."""
    slug, _host, people = _event(capacity=10, members=1)
    return slug, people[0], {"response": "going"}


@scenario("waitlisted")
def waitlisted() -> tuple[str, int, dict[str, str]]:
    """A new reply, going, to a full event: the waitlist."""
    slug, _host, people = _event(capacity=1, members=2)
    _reply(slug, people[0], going=True)
    return slug, people[1], {"response": "going"}


@scenario("withdraw, the waitlist moves")
def withdraw() -> tuple[str, int, dict[str, str]]:
    """Someone going says they can't go: the first on the waitlist gets the seat."""
    slug, _host, people = _event(capacity=1, members=2)
    _reply(slug, people[0], going=True)
    _reply(slug, people[1], going=True)
    return slug, people[0], {"response": "not_going"}


def _event(*, capacity: int, members: int) -> tuple[str, int, list[int]]:
    from meetup.extensions import db
    from meetup.models.types import utcnow
    from meetup.services.accounts import credentials
    from meetup.services.events.event_details import EventDetails
    from meetup.services.hosting import lifecycle

    people = []
    for _ in range(members + 1):
        number = next(_numbers)
        person = credentials.register_user(
            email=f"path{number}@example.org", display_name=f"Person {number}",
            password="correct horse battery",
        )  # fmt: skip
        person.email_verified_at = utcnow()
        people.append(person)
    host = people.pop(0)
    start = (utcnow() + timedelta(days=7)).replace(tzinfo=None, second=0, microsecond=0)
    details = EventDetails(
        title="The call path", timezone="UTC", starts_local=start,
        ends_local=start + timedelta(hours=2), venue_name="Small room", capacity=capacity,
    )  # fmt: skip
    event = lifecycle.create_event(host, details).event
    lifecycle.publish_event(host, event)
    db.session.commit()
    return event.slug, host.id, [person.id for person in people]


def _reply(slug: str, user_id: int, *, going: bool) -> None:
    from sqlalchemy import select

    from meetup.extensions import db
    from meetup.models import Event, User
    from meetup.services.rsvps import replying

    event = db.session.scalar(select(Event).where(Event.slug == slug))
    replying.respond(db.session.get(User, user_id), event, replying.Reply(going=going))
    db.session.commit()


_numbers = iter(range(1, 1_000_000))


def post_once(app: Any, name: str, *, scope: str | None) -> tuple[int, Trail]:
    """Prepare `name`'s scenario, then POST its reply once, traced within
    `scope` (None: not traced)."""
    from bench.sessions import mint_sessions
    from meetup.extensions import db

    with app.app_context():
        slug, user_id, form = SCENARIOS[name]()
        minted = mint_sessions(app, [user_id])[0]
        db.session.remove()
    client = app.test_client()
    cookie_name, _, cookie = minted["cookie"].partition("=")
    client.set_cookie(cookie_name, cookie, domain="localhost")
    data = {"csrf_token": minted["csrf_token"], **form}
    if scope is None:
        return client.post(f"/events/{slug}/rsvp", data=data).status_code, Trail()
    with tracing(SCOPES[scope]) as trail:
        status = client.post(f"/events/{slug}/rsvp", data=data).status_code
    return status, trail


def make_app(url: str) -> Any:
    import flask_migrate

    from meetup import create_app
    from meetup.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "call-path",
            "DATABASE_URL": url,
            "BASE_URL": "http://localhost",
            "RATELIMIT_STORAGE_URL": "memory://",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        }
    )
    with app.app_context():
        if url.startswith("postgres"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        flask_migrate.upgrade()
    return app


def short(module: str) -> str:
    return module.removeprefix("meetup.").removeprefix("services.") or "(outside)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="?", help="a part of one scenario's name")
    parser.add_argument("--trail", action="store_true", help="print each entry in order")
    parser.add_argument("--top", type=int, default=6, help="the most frequent crossings shown")
    arguments = parser.parse_args()
    names = [name for name in SCENARIOS if not arguments.only or arguments.only in name]
    if not names:
        raise SystemExit(f"No scenario matches {arguments.only!r}: {', '.join(SCENARIOS)}")
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("MEETUP_DATABASE_URL") or f"sqlite:///{Path(folder, 'path.db')}"
        app = make_app(url)
        for name in names:
            post_once(app, name, scope=None)  # imports, caches, compiled queries
            for scope in SCOPES:
                status, trail = post_once(app, name, scope=scope)
                print(
                    f"{name} ({scope}): HTTP {status}; entered {len(trail.modules)} modules "
                    f"{len(trail.entries)} times, {trail.reentries} re-entries"
                )
                for (source, target), times in trail.crossings().most_common(arguments.top):
                    print(f"    {times:3d}  {short(source)} -> {short(target)}")
                if arguments.trail:
                    for source, target in trail.entries:
                        print(f"        {short(source)} -> {short(target)}")
        with app.app_context():
            from meetup.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
