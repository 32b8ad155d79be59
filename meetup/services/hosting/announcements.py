"""Mail from the hosts to the people coming: messages, and the reminder before
the event. Both are queued in bulk, one multi-row INSERT, in the caller's
transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.lib.text import clean_line, clean_text
from meetup.models import Event, EventStatus, RsvpStatus, User
from meetup.models.types import utcnow
from meetup.services.events.event_mail import event_context
from meetup.services.events.lookup import require_host
from meetup.services.events.recipients import queue_to_each, replies_in
from meetup.services.privacy import online_link_for
from meetup.transactions import begin_step

SUBJECT_MAX_LENGTH = 150
MESSAGE_MAX_LENGTH = 5000
AUDIENCES: dict[str, tuple[RsvpStatus, ...]] = {
    "going": (RsvpStatus.GOING,),
    "waitlisted": (RsvpStatus.WAITLISTED,),
    "both": (RsvpStatus.GOING, RsvpStatus.WAITLISTED),
}


def message_attendees(actor: User, event: Event, *, audience: str, subject: str, body: str) -> int:
    """Queue a host's message to everyone going, waitlisted, or both.

    :return: how many people it goes to.
    :raise PermissionDenied: not a host.
    :raise InvalidInput: a bad field, a draft, or nobody to send it to.
    """
    require_host(actor, event)
    if event.status == EventStatus.DRAFT:
        raise InvalidInput("Publish the event first: nobody has replied to a draft.")
    if audience not in AUDIENCES:
        raise InvalidInput("Choose who gets the message.", field="audience")
    subject = clean_line(subject, field="subject", max_length=SUBJECT_MAX_LENGTH)
    if not subject:
        raise InvalidInput("Give the message a subject.", field="subject")
    body = clean_text(body, field="body", max_length=MESSAGE_MAX_LENGTH)
    if not body:
        raise InvalidInput("Write the message.", field="body")
    people = replies_in(event, AUDIENCES[audience])
    if not people:
        raise InvalidInput("Nobody is on that list yet.", field="audience")
    batch = secrets.token_hex(8)  # a message sent twice on purpose is two messages
    context = event_context(event) | {
        "host_name": actor.display_name,
        "body": body,
    }
    return queue_to_each(
        people,
        subject=f"{event.title}: {subject}",
        template="host_message",
        dedupe_key=lambda rsvp: f"host-message:{event.id}:{batch}:{rsvp.user_id}",
        context=context,
    )


def send_reminders(
    *,
    lead: timedelta,
    now: datetime | None = None,
    after_each: Callable[[], None] | None = None,
) -> int:
    """Queue the reminder for every person going to a published event that
    starts within `lead`. Running it again sends nothing twice: each reminder's
    dedupe key names the reply and the start time (a moved event reminds again).
    `after_each()` runs after each event (the command commits there: one
    event, one short transaction that starts with SQLite's write lock).

    :return: how many reminders were queued now.
    """
    now = now or utcnow()
    begin_step(db.session)
    upcoming = db.session.scalars(
        select(Event.id).where(_starts_soon(now, lead)).order_by(Event.starts_at, Event.id)
    ).all()
    queued = 0
    for event_id in upcoming:
        begin_step(db.session)  # the previous event's was committed
        # Read again under the lock: cancelled or moved since the list was read?
        event = db.session.scalar(
            select(Event).where(Event.id == event_id, _starts_soon(now, lead))
        )
        if event is not None:
            queued += _remind(event)
        if after_each is not None:
            after_each()
    return queued


def _starts_soon(now: datetime, lead: timedelta) -> ColumnElement[bool]:
    return and_(
        Event.status == EventStatus.PUBLISHED,
        Event.starts_at > now,
        Event.starts_at <= now + lead,
    )


def _remind(event: Event) -> int:
    context = event_context(event) | {
        "what_to_bring": event.what_to_bring,
        "online_url": online_link_for(event, reply_status=RsvpStatus.GOING),  # mailed to them
    }
    return queue_to_each(
        replies_in(event, (RsvpStatus.GOING,)),
        subject=f"Reminder: {event.title}",
        template="reminder",
        dedupe_key=lambda rsvp, start=event.starts_at: f"reminder:{rsvp.id}:{start:%Y%m%dT%H%M}",
        context=context,
        personal=lambda rsvp: {"guests": rsvp.guests},
    )
