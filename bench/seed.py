"""Seed a benchmark database: N public events; one of them with 200 people
going, 50 on its waitlist and a few co-hosts; three with 50 seats and nobody yet,
for the RSVP races, and 200 members to race for them.

Rows go in with bulk INSERTs (the services would take minutes for 10,000
events); what they hold is what the services would write, search_text included.
"""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select

from meetup.extensions import db
from meetup.lib.markdown import render_markdown
from meetup.models import (
    Event,
    EventHost,
    EventStatus,
    EventTopic,
    EventVisibility,
    Goal,
    GoalDirection,
    HostRole,
    Rsvp,
    RsvpChange,
    RsvpStatus,
    User,
    UserGoal,
    UserInterest,
)
from meetup.models.rsvp import name_sort_key
from meetup.models.types import utcnow
from meetup.services.events.event_details import searchable_text

TOPICS = [
    "python", "data engineering", "climate tech", "product design", "leadership",
    "fundraising", "machine learning", "accessibility", "careers", "open source",
    "rust", "health tech", "mentoring", "startups", "security",
]  # fmt: skip
CITIES = [
    ("Europe/Paris", "Station F", "5 Parvis Alan Turing, Paris"),
    ("Europe/London", "The Library", "12 Curtain Road, London"),
    ("America/New_York", "Civic Hall", "124 E 14th St, New York"),
    ("Asia/Tokyo", "Shibuya Stream Hall", "3-21-3 Shibuya, Tokyo"),
    ("Europe/Berlin", "Factory Görlitzer Park", "Lohmühlenstraße 65, Berlin"),
]
WORDS = [
    "networking",
    "talks",
    "community",
    "founders",
    "engineers",
    "designers",
    "hiring",
    "mentors",
    "breakfast",
    "evening",
    "workshop",
    "panel",
    "demo",
    "coffee",
    "drinks",
    "lightning",
    "career",
    "growth",
]
MEMBERS = 250  # host events, go to the big one (200), wait for it (50)
BIG_EVENT_GOING = 200
BIG_EVENT_COHOSTS = 5
RACE_SEATS = 50
RACERS = 200
RACES = 3  # events to race for, one per run
FEED_EVENTS = 500  # in one member's personal calendar feed
DIRECTORY_PEOPLE = 2000  # going to the directory event, one in ten hidden


def seed(events: int) -> dict[str, Any]:
    """Fill an empty, migrated database; return what the scenarios need."""
    rng = random.Random(42)
    now = utcnow()
    users = [
        {
            "email": f"{kind}{n}@bench.example.org",
            "display_name": f"{kind.title()} {n}",
            "password_hash": "!",
            "created_at": now,
            "email_verified_at": now,
            "headline": "Engineer",
        }
        for kind, count in (("member", MEMBERS), ("racer", RACERS))
        for n in range(count)
    ]
    db.session.execute(insert(User), users)
    all_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    user_ids, racer_ids = all_ids[:MEMBERS], all_ids[MEMBERS:]

    rows = []
    for n in range(events):
        zone, venue, address = CITIES[n % len(CITIES)]
        topics = rng.sample(TOPICS, 3)
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} #{n}"
        description = " ".join(rng.choices(WORDS, k=40))
        starts = now + timedelta(hours=6 + n * 3)
        rows.append(
            {
                "slug": f"bench-event-{n}-{secrets.token_hex(3)}",
                "uid": uuid.uuid4().hex,
                "title": title,
                "description": description,
                "description_html": render_markdown(description),
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "timezone": zone,
                "venue_name": venue,
                "venue_address": address,
                "online_url": "",
                "visibility": EventVisibility.PUBLIC,
                "directory_visibility": "attendees",
                "is_approval_required": False,
                "status": EventStatus.PUBLISHED,
                "cancellation_message": "",
                "sequence": 0,
                "search_text": searchable_text(title, description, topics, venue, address),
                "created_by_id": user_ids[n % len(user_ids)],
                "created_at": now,
                "updated_at": now,
                "published_at": now,
                "_topics": topics,
            }
        )
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        db.session.execute(
            insert(Event), [{k: v for k, v in r.items() if k != "_topics"} for r in chunk]
        )
    ids = dict(db.session.execute(select(Event.slug, Event.id)).all())
    topic_rows = [
        {"event_id": ids[row["slug"]], "name": topic} for row in rows for topic in row["_topics"]
    ]
    for start in range(0, len(topic_rows), 5000):
        db.session.execute(insert(EventTopic), topic_rows[start : start + 5000])
    host_rows = [
        {"event_id": ids[row["slug"]], "user_id": row["created_by_id"], "role": HostRole.CREATOR,
         "added_at": now}
        for row in rows
    ]  # fmt: skip
    big, races = rows[0], rows[1 : 1 + RACES]
    host_rows += [
        {"event_id": ids[big["slug"]], "user_id": user_id, "role": HostRole.COHOST, "added_at": now}
        for user_id in user_ids[1 : 1 + BIG_EVENT_COHOSTS]
    ]
    for start in range(0, len(host_rows), 5000):
        db.session.execute(insert(EventHost), host_rows[start : start + 5000])
    _seed_replies(ids[big["slug"]], user_ids, now=now)
    db.session.execute(
        Event.__table__.update()
        .where(Event.id.in_([ids[race["slug"]] for race in races]))
        .values(capacity=RACE_SEATS)
    )
    db.session.execute(
        Event.__table__.update()
        .where(Event.id == ids[big["slug"]])
        .values(capacity=BIG_EVENT_GOING, guest_limit=2)
    )
    db.session.commit()
    feed_token = _seed_feed_reader(user_ids[-1], rows[1 + RACES :], ids, now=now)
    directory_event = rows[-1]["slug"]
    _seed_directory(ids[directory_event], rng, now=now)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # A settled database, as autovacuum leaves a live one: planner
        # statistics of every table seeded, and the visibility map set, so
        # index-only scans need not visit the table for each row.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    return {
        "directory_event": directory_event,
        "feed_token": feed_token,
        "big_event": big["slug"],
        "race_events": [race["slug"] for race in races],
        "racer_ids": racer_ids,
        "attendee_id": user_ids[BIG_EVENT_COHOSTS + 1],  # going, not a host
        "events": events,
    }


def _seed_replies(event_id: int, user_ids: list[int], *, now: Any) -> None:
    """200 going, then the rest waitlisted in order, each with its first change."""
    statuses = [RsvpStatus.GOING] * BIG_EVENT_GOING
    statuses += [RsvpStatus.WAITLISTED] * (len(user_ids) - BIG_EVENT_GOING)
    rsvp_rows = [
        {
            "event_id": event_id, "user_id": user_id, "status": status, "guests": 0,
            "answers": {}, "created_at": now, "updated_at": now, "is_person_listed": True,
            "waitlist_position": n - BIG_EVENT_GOING + 1
            if status == RsvpStatus.WAITLISTED else None,
        }
        for n, (user_id, status) in enumerate(zip(user_ids, statuses, strict=True))
    ]  # fmt: skip
    db.session.execute(insert(Rsvp), rsvp_rows)
    replies = db.session.execute(
        select(Rsvp.id, Rsvp.user_id, Rsvp.status).where(Rsvp.event_id == event_id)
    )
    db.session.execute(
        insert(RsvpChange),
        [
            {"rsvp_id": rsvp_id, "actor_id": user_id, "from_status": None, "to_status": status,
             "note": "", "changed_at": now}
            for rsvp_id, user_id, status in replies
        ],
    )  # fmt: skip


def _seed_feed_reader(user_id: int, rows: list[dict[str, Any]], ids: dict[str, int], *,
                      now: Any) -> str:  # fmt: skip
    """One member going to FEED_EVENTS events, with a feed address."""
    token = "bench-feed-token"
    db.session.execute(User.__table__.update().where(User.id == user_id).values(feed_token=token))
    db.session.execute(
        insert(Rsvp),
        [
            {"event_id": ids[row["slug"]], "user_id": user_id, "status": RsvpStatus.GOING,
             "guests": 0, "answers": {}, "created_at": now, "updated_at": now,
             "is_person_listed": True}
            for row in rows[:FEED_EVENTS]
        ],
    )  # fmt: skip
    db.session.commit()
    return token


def _seed_directory(event_id: int, rng: random.Random, *, now: Any) -> None:
    """DIRECTORY_PEOPLE people going, with public profiles (the bench visits
    anonymously, and cards show a profile's fields only where it may be
    seen); every tenth hidden."""
    first = db.session.scalar(select(func.max(User.id))) or 0
    db.session.execute(
        insert(User),
        [
            {"email": f"attendee{n}@bench.example.org", "display_name": f"Attendee {n}",
             "password_hash": "!", "created_at": now,
             "email_verified_at": now, "headline": rng.choice(HEADLINES),
             "company": f"Company {n % 97}", "is_listed_in_directories": n % 10 != 0,
             "profile_visibility": "public"}
            for n in range(DIRECTORY_PEOPLE)
        ],
    )  # fmt: skip
    people = list(db.session.scalars(select(User.id).where(User.id > first).order_by(User.id)))
    db.session.execute(
        insert(UserInterest),
        [{"user_id": person, "name": topic} for person in people
         for topic in rng.sample(TOPICS, 3)],
    )  # fmt: skip
    db.session.execute(
        insert(UserGoal),
        [{"user_id": person, "goal": rng.choice(list(Goal)), "direction": direction}
         for person in people for direction in GoalDirection],
    )  # fmt: skip
    db.session.execute(
        Event.__table__.update().where(Event.id == event_id).values(directory_visibility="everyone")
    )
    db.session.execute(
        insert(Rsvp),
        [{"event_id": event_id, "user_id": person, "status": RsvpStatus.GOING, "guests": 0,
          "answers": {}, "created_at": now, "updated_at": now,
          "sort_name": name_sort_key(f"Attendee {n}"), "is_person_listed": n % 10 != 0}
         for n, person in enumerate(people)],
    )  # fmt: skip
    db.session.commit()


HEADLINES = ["Engineer", "Designer", "Founder", "Product manager", "Data scientist", "Recruiter"]
