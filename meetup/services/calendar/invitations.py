"""Calendar invitations by email: one REQUEST when a person's seat is
confirmed, an updated REQUEST to everyone going when the time, place or title
moves, a CANCEL when the event is cancelled or a person stops going.

Each message carries a snapshot of the event (invitation_snapshot); the
mail worker turns it into the iTIP file for its recipient (invitation_file,
the same vevents.vevent as every calendar file). Updates for a whole event go
out in one multi-row INSERT.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from meetup.lib.urls import external_url
from meetup.models import Event, Rsvp, RsvpStatus
from meetup.services.calendar.vevents import (
    EventSnapshot,
    Invitee,
    new_calendar,
    snapshot_of,
    vevent,
)
from meetup.services.events.event_mail import event_context
from meetup.services.events.recipients import queue_to_each, replies_in
from meetup.services.privacy import online_link_for, sees_online_link


def invitation_context(rsvp: Rsvp, *, method: str) -> dict[str, Any]:
    """What a message needs to carry an invitation for `rsvp`'s person."""
    return {
        "invitation": invitation_snapshot(
            rsvp.event,
            method=method,
            shows_online_link=sees_online_link(reply_status=rsvp.status),
        ),
        "alarm_minutes": rsvp.user.calendar_alarm_minutes,
    }


def queue_updates(event: Event) -> int:
    """After a change of time, place or title: the new REQUEST to everyone going."""
    return _queue_for_going(event, method="REQUEST", template="event_changed")


def queue_cancellations(event: Event) -> int:
    """The event is cancelled: a CANCEL to everyone going, and word to everyone
    waiting (no calendar entry of theirs to remove)."""
    sent = _queue_for_going(event, method="CANCEL", template="event_cancelled")
    waiting = replies_in(event, (RsvpStatus.WAITLISTED, RsvpStatus.PENDING))
    context = _event_context(event, reply_status=RsvpStatus.WAITLISTED)  # or pending: not going
    return sent + queue_to_each(
        waiting,
        subject=f"Cancelled: {event.title}",
        template="event_cancelled",
        dedupe_key=lambda rsvp: f"event-cancelled:{event.id}:{rsvp.id}",
        context=context,
    )


def _queue_for_going(event: Event, *, method: str, template: str) -> int:
    # Sent to people going only: the link is theirs.
    shown = sees_online_link(reply_status=RsvpStatus.GOING)
    snapshot = invitation_snapshot(event, method=method, shows_online_link=shown)
    context = _event_context(event, reply_status=RsvpStatus.GOING) | {"invitation": snapshot}
    subject = f"Cancelled: {event.title}" if method == "CANCEL" else f"Changed: {event.title}"
    return queue_to_each(
        replies_in(event, (RsvpStatus.GOING,)),
        subject=subject,
        template=template,
        dedupe_key=lambda rsvp: f"invitation:{event.id}:{rsvp.id}:{method}:{event.sequence}",
        context=context,
        personal=lambda rsvp: {"alarm_minutes": rsvp.user.calendar_alarm_minutes},
        calendar_method=method,
    )


def _event_context(event: Event, *, reply_status: RsvpStatus) -> dict[str, Any]:
    """What a message to the replies of this status says of `event`."""
    return event_context(event) | {
        "online_url": online_link_for(event, reply_status=reply_status),
        "cancellation_message": event.cancellation_message,
    }


# iTIP: METHOD:REQUEST to add or update, CANCEL to remove


def invitation_snapshot(event: Event, *, method: str, shows_online_link: bool) -> dict[str, Any]:
    """What an invitation says, frozen as JSON when it is queued: the mail
    worker builds the file from it (with icalendar), so a host's save queues
    2,000 invitations without building 2,000 calendars in the request."""
    url = external_url("events.detail", slug=event.slug)
    # A creator who left (or is leaving: their events are being handed over) is nobody's organizer.
    creator = event.created_by
    hosting = any(host.user_id == creator.id for host in event.hosts)
    organizer = creator.display_name if creator.is_active and hosting else "Meetup"
    snapshot = snapshot_of(
        event,
        url=url,
        # The online link only for people going (privacy.sees_online_link).
        shows_online_link=shows_online_link,
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    return {"method": method, "organizer_name": organizer, **snapshot.to_json()}


def invitation_file(
    snapshot: dict[str, Any],
    *,
    attendee_email: str,
    attendee_name: str,
    alarm_minutes: int | None,
    now: datetime,
) -> str:
    """The iTIP calendar of one invitation, for one attendee."""
    method = snapshot["method"]
    calendar = new_calendar()
    calendar.add("method", method)
    invitee = Invitee(
        email=attendee_email,
        name=attendee_name,
        organizer_name=snapshot["organizer_name"],
        is_accepted=method == "REQUEST",
    )
    calendar.add_component(
        vevent(
            EventSnapshot.from_json(snapshot),
            now=now,
            alarm_minutes=alarm_minutes,
            invitee=invitee,
        )
    )
    return calendar.to_ical().decode()
