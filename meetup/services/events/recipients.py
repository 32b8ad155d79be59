"""Mail about an event to many of the people replying (host messages,
reminders, invitation updates and cancellations): who gets it, in one query,
and one message each, in one multi-row INSERT."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from meetup.extensions import db
from meetup.models import Event, Rsvp, RsvpStatus
from meetup.outbox import Mail, queue_mail_bulk
from meetup.services.privacy import members_event_condition


def replies_in(event: Event, statuses: Iterable[RsvpStatus]) -> list[Rsvp]:
    """The replies to `event` in `statuses`, oldest first, each with its person
    loaded in the same query (one SELECT for 2,000 recipients); for a
    community's members-only event, only the people who may see it."""
    return list(
        db.session.scalars(
            select(Rsvp)
            .join(Rsvp.user)
            .join(Event, Event.id == Rsvp.event_id)
            .options(contains_eager(Rsvp.user))
            .where(
                Rsvp.event_id == event.id,
                Rsvp.status.in_(tuple(statuses)),
                # A members-only event's mail goes to whom may still see it
                # (a person removed from its community keeps their reply).
                members_event_condition(Rsvp.user_id),
            )
            .order_by(Rsvp.id)
        )
    )


def queue_to_each(
    replies: Iterable[Rsvp],
    *,
    subject: str,
    template: str,
    dedupe_key: Callable[[Rsvp], str],
    context: Mapping[str, Any],
    personal: Callable[[Rsvp], Mapping[str, Any]] | None = None,
    calendar_method: str | None = None,
) -> int:
    """Queue one message per reply to its person: `context`, their name and
    what `personal` adds for them.

    :return: how many were queued (a dedupe key already used adds nothing).
    """
    personal = personal or (lambda rsvp: {})
    return queue_mail_bulk(
        Mail(
            to=rsvp.user.email,
            user_id=rsvp.user_id,
            subject=subject,
            template=template,
            dedupe_key=dedupe_key(rsvp),
            context={
                **context,
                "name": rsvp.user.display_name,
                **(personal(rsvp) if personal else {}),
            },
            calendar_method=calendar_method,
        )
        for rsvp in replies
    )
