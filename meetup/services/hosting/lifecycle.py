"""An event's life, as its hosts run it: create, edit, publish, cancel,
copy and delete.

Rights (README "Who may do what on an event"): hosts (the creator and
co-hosts) edit, publish and cancel; only the creator deletes a draft and
invites or removes hosts (hosting.hosts). The rights themselves are
events.lookup's."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    delete,
    update,
)

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.lib.text import clean_text, slugify
from meetup.lib.timezones import check_event_time, local_to_utc, utc_to_local
from meetup.models import (
    Event,
    EventHost,
    EventStatus,
    HostInvitation,
    HostRole,
    User,
)
from meetup.models.types import utcnow
from meetup.services.accounts.credentials import require_verified
from meetup.services.calendar import invitations
from meetup.services.events.event_details import (
    EventDetails,
    apply_details,
    copied_details,
    describe_changes,
    details_snapshot,
)
from meetup.services.events.history import record_change
from meetup.services.events.lookup import require_creator, require_editable, require_host
from meetup.services.rsvps.seats import changing_event

MAX_COPY_WEEKS = 104


@dataclass(frozen=True)
class SaveResult:
    event: Event
    # The wall-clock start or end happened twice (DST ended); the first was used.
    resolved_ambiguity: bool
    # Calendars must see this change (time, place or title moved).
    sequence_raised: bool


def create_event(actor: User, details: EventDetails, *, now: datetime | None = None) -> SaveResult:
    """Create a draft event hosted by `actor`.

    :raise PermissionDenied: `actor` has not confirmed their email address.
    :raise InvalidInput: a field breaks its rules (the error names it).
    """
    require_verified(actor)
    now = now or utcnow()
    event = Event(created_by=actor, status=EventStatus.DRAFT, slug=new_slug(details.title))
    ambiguous = apply_details(event, details, now=now, is_new=True)
    event.hosts = [EventHost(user=actor, role=HostRole.CREATOR)]
    db.session.add(event)
    db.session.flush()
    return SaveResult(event, resolved_ambiguity=ambiguous, sequence_raised=False)


def update_event(
    actor: User, event: Event, details: EventDetails, *, now: datetime | None = None
) -> SaveResult:
    """Change an event; raise its sequence if time, place or title changed.
    More seats (or no limit any more) move the waitlist on.

    :raise PermissionDenied: `actor` is not a host.
    :raise InvalidInput: a field breaks its rules; nothing is changed.
    """
    require_host(actor, event)
    now = now or utcnow()
    # Capacity decides who gets a seat: no reply may interleave; seats it
    # frees go to the waitlist.
    with changing_event(event, now=now):
        require_editable(event)
        before = _calendar_fields(event)
        snapshot = details_snapshot(event)
        ambiguous = apply_details(event, details, now=now, is_new=False)
        changed = describe_changes(snapshot, details_snapshot(event))
        if changed:
            record_change(event, actor, changed, now=now)
        raised = _calendar_fields(event) != before
        if raised:
            event.sequence += 1
        db.session.flush()
        if raised and event.status == EventStatus.PUBLISHED:
            invitations.queue_updates(event)  # calendars move the entry
    return SaveResult(event, resolved_ambiguity=ambiguous, sequence_raised=raised)


def publish_event(actor: User, event: Event, *, now: datetime | None = None) -> None:
    """:raise PermissionDenied: not a host. :raise InvalidInput: not a draft,
    over, or in a community that closed."""
    require_host(actor, event)
    require_verified(actor)
    now = now or utcnow()
    if event.status != EventStatus.DRAFT:
        raise InvalidInput("Only a draft can be published.")
    if event.ends_at <= now:
        raise InvalidInput("This event is over; change its dates before publishing it.")
    link = event.community_link  # a closed community takes no new events
    if link is not None and not link.community.is_open:
        raise InvalidInput(
            "Its community has closed: take the event out of it (edit it) before publishing."
        )
    event.status = EventStatus.PUBLISHED
    event.published_at = now
    record_change(event, actor, "Published the event", now=now)


def cancel_event(
    actor: User, event: Event, *, message: str = "", now: datetime | None = None
) -> None:
    """Cancel a published event; it stays visible, marked cancelled.

    :raise PermissionDenied: not a host. :raise InvalidInput: not published.
    """
    require_host(actor, event)
    mark_cancelled(event, message=message, now=now)
    record_change(event, actor, "Cancelled the event", now=now)


def mark_cancelled(event: Event, *, message: str, now: datetime | None = None) -> None:
    """The cancellation itself, whoever asks (a host, or the last host leaving):
    one email to each person replying, with the calendar CANCEL for those going.

    :raise InvalidInput: not published.
    """
    if event.status != EventStatus.PUBLISHED:
        raise InvalidInput("Only a published event can be cancelled; delete a draft instead.")
    event.cancellation_message = clean_text(message, field="message", max_length=2000)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now or utcnow()
    event.sequence += 1
    close_host_invitations(event, now=event.cancelled_at)
    db.session.flush()
    invitations.queue_cancellations(event)  # calendars remove the entry


def close_host_invitations(event: Event, *, now: datetime) -> None:
    """A cancelled event takes no more hosts: its pending invitations stop
    working in the transaction of the cancellation (the row lock waits for
    an accept under way). Their rows stay, so the link can say why."""
    db.session.execute(
        update(HostInvitation)
        .where(HostInvitation.event_id == event.id, HostInvitation.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def void_host_invitations(event: Event) -> None:
    """Nobody may join the hosts through an invitation its inviter can no
    longer stand behind (a creator who left): in the transaction of that
    change, so no link works after it."""
    db.session.execute(delete(HostInvitation).where(HostInvitation.event_id == event.id))


def delete_event(actor: User, event: Event) -> None:
    """:raise PermissionDenied: not the creator. :raise InvalidInput: not a draft."""
    require_creator(actor, event)
    if event.status != EventStatus.DRAFT:
        raise InvalidInput("Only drafts can be deleted; cancel a published event instead.")
    db.session.delete(event)
    db.session.flush()


def copy_event(actor: User, event: Event, *, weeks: int, now: datetime | None = None) -> Event:
    """Make the next edition: a draft like `event`, `weeks` later, hosted by
    `actor`, that records `event` as its previous edition.

    :raise PermissionDenied: not a host. :raise InvalidInput: bad number of weeks.
    """
    require_host(actor, event)
    require_verified(actor)
    if not 1 <= weeks <= MAX_COPY_WEEKS:
        raise InvalidInput(f"Choose between 1 and {MAX_COPY_WEEKS} weeks.", field="weeks")
    shift = timedelta(weeks=weeks)
    if event.ends_at + shift <= (now or utcnow()):
        raise InvalidInput("The copy would still be in the past; move it further.", field="weeks")
    check_event_time(utc_to_local(event.ends_at, event.timezone) + shift, field="weeks")
    details = copied_details(event)
    for name in ("starts_at", "ends_at", "rsvp_deadline"):  # the same wall time, weeks later
        if details[name] is not None:
            details[name] = _shift_wall_time(details[name], event.timezone, shift)
    copy = Event(
        **details,
        created_by=actor,
        status=EventStatus.DRAFT,
        slug=new_slug(event.title),
        hosts=[EventHost(user=actor, role=HostRole.CREATOR)],
        previous_edition_id=event.id,  # the series the report compares across
    )
    db.session.add(copy)
    db.session.flush()
    return copy


def _calendar_fields(event: Event) -> tuple:
    return (
        event.title, event.starts_at, event.ends_at, event.timezone,
        event.venue_name, event.venue_address, event.online_url,
    )  # fmt: skip


def _shift_wall_time(moment: datetime, zone: str, shift: timedelta) -> datetime:
    """Move by whole weeks on the wall clock, so 18:00 stays 18:00 across DST."""
    local = utc_to_local(moment, zone).replace(tzinfo=None) + shift
    try:
        return local_to_utc(local, zone, field="weeks").utc
    except InvalidInput:
        return moment + shift  # the wall time vanished (DST gap): keep the duration


def new_slug(title: str, *, fallback: str = "event") -> str:
    """A readable, unique, permanent slug: the title (`fallback` when it has
    no letter a URL keeps) and a random suffix. Communities' slugs too."""
    return f"{slugify(title) or fallback}-{secrets.token_hex(3)}"
