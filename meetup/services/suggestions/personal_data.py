"""Suggestions in My data: a person's own lists, exported and erased, and
their entries in everyone else's lists, erased with them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from meetup.extensions import db
from meetup.models import Event, Rsvp, SuggestionList, User


def export_suggestions(user: User) -> list[dict[str, Any]]:
    """The events where the person has stored suggestions, and how many (who
    they are is the others' data, and said only on the pages, as allowed)."""
    rows = db.session.execute(
        select(Event.title, SuggestionList.candidates)
        .join(SuggestionList, SuggestionList.event_id == Event.id)
        .where(SuggestionList.user_id == user.id)
        .order_by(Event.starts_at, Event.id)
    )
    return [{"event": title, "people_scored": len(candidates)} for title, candidates in rows]


def erase_suggestions(user: User) -> None:
    """The person's own lists go, and they leave everyone else's at once
    (not at the next build): a stored entry keeps their id and the terms
    they shared (an interest, their company's name). Read through their
    replies, which are erased after this."""
    db.session.execute(delete(SuggestionList).where(SuggestionList.user_id == user.id))
    rooms = select(Rsvp.event_id).where(Rsvp.user_id == user.id)
    for event_id, person_id, candidates in db.session.execute(
        select(SuggestionList.event_id, SuggestionList.user_id, SuggestionList.candidates).where(
            SuggestionList.event_id.in_(rooms)
        )
    ).all():
        kept = [entry for entry in candidates if entry[0] != user.id]
        if len(kept) == len(candidates):
            continue
        mine = (SuggestionList.event_id == event_id) & (SuggestionList.user_id == person_id)
        db.session.execute(
            update(SuggestionList).where(mine).values(candidates=kept)
            if kept
            else delete(SuggestionList).where(mine)
        )
