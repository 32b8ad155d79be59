"""Seats and the waitlist: the one place where a reply's status changes.

Every status change goes through change_status, which keeps the waitlist
numbered 1..n without gaps, records the change (who, when, from, to) and
queues the email that tells the person, all in the caller's transaction.

Writers that change who holds a seat call lock_event first. On PostgreSQL it
takes the event's row lock, so counting the free seats and the write that
depends on the count cannot interleave with another request's; on SQLite the
transaction already holds the database's write lock (BEGIN IMMEDIATE, see
transactions.begin_write).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Text, cast, func, select, update

from meetup.extensions import db
from meetup.lib.timezones import describe_span
from meetup.lib.urls import external_url
from meetup.mail.outbox import Mail, queue_mail
from meetup.models import ACTIVE_STATUSES, Event, EventStatus, Rsvp, RsvpChange, RsvpStatus, User
from meetup.services.calendar.invitations import invitation_context
from meetup.services.events.event_mail import event_context, online_link_for


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


@dataclass(frozen=True)
class SeatCount:
    capacity: int | None
    taken: int  # seats held by people going and their guests
    going: int  # people going (without their guests)
    waitlisted: int
    pending: int

    @property
    def left(self) -> int | None:
        """Free seats; None when the event has no limit."""
        return None if self.capacity is None else max(0, self.capacity - self.taken)

    def fits(self, party_size: int) -> bool:
        return self.capacity is None or party_size <= self.capacity - self.taken


def lock_event(event: Event) -> None:
    """Serialise seat-changing writes on `event` and re-read it as committed.

    Call it before changing the event or any of its replies: the refresh
    would undo unflushed changes to the event itself.
    """
    db.session.execute(
        select(Event)
        .where(Event.id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def count_seats(event: Event) -> SeatCount:
    """Seats taken and people waiting, in one query."""
    rows = db.session.execute(
        select(Rsvp.status, func.count(), func.coalesce(func.sum(Rsvp.guests), 0))
        .where(Rsvp.event_id == event.id, Rsvp.status.in_(ACTIVE_STATUSES))
        .group_by(Rsvp.status)
    )
    people = {RsvpStatus.GOING: 0, RsvpStatus.WAITLISTED: 0, RsvpStatus.PENDING: 0}
    going_guests = 0
    for status, count, guests in rows:
        people[status] = count
        if status == RsvpStatus.GOING:
            going_guests = guests
    return seat_count_of(
        event, people[RsvpStatus.GOING], going_guests, people[RsvpStatus.WAITLISTED],
        people[RsvpStatus.PENDING],
    )  # fmt: skip


def seat_count_columns(json_array: Callable[..., ColumnElement[str]]) -> tuple[ScalarSelect, ...]:
    """count_seats' figures as columns of a query of events, so a page reads an
    event and its seats in one statement: the people going and their guests
    in one pass over the going replies, as a JSON array made by the
    database's `json_array` function ("[going, guests]", as text), then the
    waitlisted and pending counts (each read from an index alone). One pass
    with FILTER over every active reply measured slower on SQLite and no
    faster on PostgreSQL. seat_count_of(event, going, guests, waitlisted,
    pending) makes the SeatCount."""

    def of(status: RsvpStatus, figure: ColumnElement[Any]) -> ScalarSelect[Any]:
        return (
            select(figure)
            .where(Rsvp.event_id == Event.id, Rsvp.status == status)
            .correlate(Event)
            .scalar_subquery()
        )

    going = cast(json_array(func.count(), func.coalesce(func.sum(Rsvp.guests), 0)), Text)
    return (
        of(RsvpStatus.GOING, going),
        of(RsvpStatus.WAITLISTED, func.count()),
        of(RsvpStatus.PENDING, func.count()),
    )


def seat_count_of(
    event: Event, going: int, going_guests: int, waitlisted: int, pending: int
) -> SeatCount:
    return SeatCount(
        capacity=event.capacity,
        taken=going + going_guests,
        going=going,
        waitlisted=waitlisted,
        pending=pending,
    )


def accepts_promotions(event: Event, now: datetime) -> bool:
    """The waitlist moves until replies close: at the deadline, or the start."""
    if event.status != EventStatus.PUBLISHED or now >= event.starts_at:
        return False
    return event.rsvp_deadline is None or now < event.rsvp_deadline


def change_status(
    rsvp: Rsvp,
    to: RsvpStatus,
    *,
    actor: User | None,
    now: datetime,
    notice: Notice | None,
    note: str = "",
) -> None:
    """Move `rsvp` to status `to`: renumber the waitlist, record the change and
    queue `notice` to the person (None: tell nobody). The caller holds the lock."""
    before = rsvp.status
    if before == to:
        return
    old_position = rsvp.waitlist_position
    if to == RsvpStatus.WAITLISTED:
        # Counted before the change, so autoflush cannot count this reply.
        rsvp.waitlist_position = _waitlist_length(rsvp.event.id) + 1
    else:
        rsvp.waitlist_position = None
    rsvp.status = to
    rsvp.updated_at = now
    if rsvp.id is None:
        db.session.add(rsvp)
    db.session.flush()
    if before == RsvpStatus.WAITLISTED and old_position is not None:
        _close_gap(rsvp.event_id, old_position)
    change = RsvpChange(
        rsvp_id=rsvp.id,
        actor_id=actor.id if actor is not None else None,
        from_status=before,
        to_status=to,
        note=note,
        changed_at=now,
    )
    db.session.add(change)
    db.session.flush()
    if notice is not None:
        was_going = before == RsvpStatus.GOING
        queue_mail(_notice_mail(rsvp, notice, note=note, change_id=change.id, was_going=was_going))


def promote_waitlist(event: Event, *, now: datetime) -> list[Rsvp]:
    """Give free seats to the waitlist, in order; a party goes only when all
    of it fits, so a smaller party behind it may go first. The caller holds
    the lock. :return: the replies promoted (each was emailed)."""
    if not accepts_promotions(event, now):
        return []
    left = count_seats(event).left
    if left == 0:
        return []
    waiting = db.session.scalars(
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.WAITLISTED)
        .order_by(Rsvp.waitlist_position, Rsvp.id)
    ).all()
    promoted = []
    for rsvp in waiting:
        if left is not None and rsvp.party_size > left:
            continue
        change_status(rsvp, RsvpStatus.GOING, actor=None, now=now, notice=Notice.PROMOTED)
        promoted.append(rsvp)
        if left is not None:
            left -= rsvp.party_size
            if left == 0:
                break
    return promoted


def _waitlist_length(event_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Rsvp)
        .where(Rsvp.event_id == event_id, Rsvp.status == RsvpStatus.WAITLISTED)
    )


def _close_gap(event_id: int, position: int) -> None:
    """Everyone behind `position` moves up one."""
    db.session.execute(
        update(Rsvp)
        .where(
            Rsvp.event_id == event_id,
            Rsvp.status == RsvpStatus.WAITLISTED,
            Rsvp.waitlist_position > position,
        )
        .values(waitlist_position=Rsvp.waitlist_position - 1)
        .execution_options(synchronize_session="fetch")
    )


# The emails


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
            "online_url": online_link_for(event, is_going=status == RsvpStatus.GOING),
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
