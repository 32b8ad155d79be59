"""The emails that tell a person their reply changed: why (Notice), the
subject, and the mail itself, queued in the outbox in the transaction of the
change (seats.change_status queues one per change it records).

A seat confirmed carries the calendar invitation (REQUEST), a seat given up
removes it (CANCEL). Each mail is built when its change is made, so it says
the reply's state at that moment (its place on the waitlist, say), even when
the same call moves the waitlist again afterwards.
"""

from __future__ import annotations

import enum

from meetup.lib.timezones import describe_span
from meetup.lib.urls import external_url
from meetup.models import Rsvp, RsvpStatus
from meetup.outbox import Mail, queue_mail
from meetup.services.calendar.invitations import invitation_context
from meetup.services.events.event_mail import event_context
from meetup.services.privacy import online_link_for


class Notice(enum.StrEnum):
    """Why a person gets an email about their reply."""

    GOING = "going"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"  # a seat freed up and the waitlist moved
    PENDING = "pending"  # the request reached the hosts
    APPROVED = "approved"  # going or waitlisted, by the seats left
    DECLINED = "declined"
    REMOVED = "removed"
    WITHDRAWN = "withdrawn"


def queue_notice(rsvp: Rsvp, notice: Notice, *, note: str, change_id: int, was_going: bool) -> None:
    """Queue the email about change `change_id` of `rsvp` (one per change:
    the change's id is the outbox's dedupe key)."""
    queue_mail(_notice_mail(rsvp, notice, note=note, change_id=change_id, was_going=was_going))


def _notice_mail(rsvp: Rsvp, notice: Notice, *, note: str, change_id: int, was_going: bool) -> Mail:
    """The email about one change; a seat confirmed carries the calendar
    invitation (REQUEST), a seat given up removes it (CANCEL)."""
    event, person = rsvp.event, rsvp.user
    method = None
    if rsvp.status == RsvpStatus.GOING:
        method = "REQUEST"
    elif was_going:
        method = "CANCEL"
    invitation = invitation_context(rsvp, method=method) if method else {}
    own_zone = person.timezone if person.timezone != event.timezone else None
    status = rsvp.status
    return Mail(
        to=person.email,
        user_id=person.id,
        subject=_subject(notice, status, rsvp.waitlist_position, event.title),
        template="rsvp_status",
        dedupe_key=f"rsvp-change:{change_id}",
        context=event_context(event)
        | {
            "name": person.display_name,
            "notice": notice.value,
            "status": status.value,
            "position": rsvp.waitlist_position,
            "guests": rsvp.guests,
            "note": note,
            "when_for_you": (
                describe_span(event.starts_at, event.ends_at, own_zone) if own_zone else ""
            ),
            "online_url": online_link_for(event, reply_status=status),
            "my_events_url": external_url("rsvps.my_events"),
        }
        | invitation,
        calendar_method=method,
    )


def _subject(notice: Notice, status: RsvpStatus, position: int | None, title: str) -> str:
    if notice == Notice.GOING:
        return f"You're going: {title}"
    if notice == Notice.WAITLISTED:
        return f"You're number {position} on the waitlist: {title}"
    if notice == Notice.PROMOTED:
        return f"A seat opened up, you're going: {title}"
    if notice == Notice.PENDING:
        return f"Your request is with the hosts: {title}"
    if notice == Notice.APPROVED and status == RsvpStatus.GOING:
        return f"Approved, you're going: {title}"
    if notice == Notice.APPROVED:
        return f"Approved, you're number {position} on the waitlist: {title}"
    if notice == Notice.DECLINED:
        return f"The hosts declined your request: {title}"
    if notice == Notice.REMOVED:
        return f"You are no longer on the list: {title}"
    return f"You withdrew your reply: {title}"
