"""Where two people suggested to each other at a community's event met
before: the latest earlier event of the same community they both attended
(the one "attended" rule), which a suggestion says first ("You were both at
the March breakfast"). A community is the thing that meets again: having
met at one of its editions is the best reason to meet at the next.

The suggested person's attendance is named only where the viewer may be
told of it (privacy.attendance_shown_condition, the rule "met at" follows
everywhere); the viewer's own needs no such leave. One query for a whole
read, whatever the number of pairs: each person's earlier attendances at
the community's events, matched in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from meetup.extensions import db
from meetup.models import CommunityEvent, Event, Rsvp
from meetup.services.privacy import attendance_shown_condition
from meetup.services.rsvps.attendance import attended_condition
from meetup.services.suggestions import room


def reason(title: str) -> str:
    """The reason in words."""
    return f"You were both at {title}"


def earlier_together(
    event: Event, pairs: Iterable[tuple[int, int]], *, now: datetime
) -> dict[tuple[int, int], str]:
    """For each (viewer, person) pair, the title of the latest event of
    `event`'s community, earlier than `event`, that both attended and where
    the viewer may be told the person did; pairs with none are left out (all
    of them when `event` belongs to no community). One query, none when
    there is no pair."""
    pairs = set(pairs)
    if not pairs:
        return {}
    people = sorted({person for pair in pairs for person in pair})
    this = aliased(CommunityEvent)
    community_id = select(this.community_id).where(this.event_id == event.id).scalar_subquery()
    rows = db.session.execute(
        select(Rsvp.user_id, Event.id, Event.title, attendance_shown_condition(Rsvp))
        .join(Event, Event.id == Rsvp.event_id)
        .join(CommunityEvent, CommunityEvent.event_id == Event.id)
        .where(
            CommunityEvent.community_id == community_id,
            Event.starts_at < event.starts_at,
            Rsvp.user_id.in_(room.people_among(event, people)),
            attended_condition(Rsvp, now=now),
        )
        .order_by(Event.starts_at.desc(), Event.id)
    )
    attended: dict[int, set[int]] = {}
    shown: dict[int, list[tuple[int, str]]] = {}  # latest first
    for user_id, event_id, title, is_shown in rows:
        attended.setdefault(user_id, set()).add(event_id)
        if is_shown:
            shown.setdefault(user_id, []).append((event_id, title))
    found: dict[tuple[int, int], str] = {}
    for viewer_id, person_id in pairs:
        mine = attended.get(viewer_id, set())
        title = next((t for e, t in shown.get(person_id, ()) if e in mine), None)
        if title is not None:
            found[viewer_id, person_id] = title
    return found
