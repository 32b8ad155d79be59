"""The follow-up job: one message per person after each event, queued once.

`follow_up_due` finds the events that ended (due.py), and for each the
people whose follow-up is due: people going who want follow-ups, with a
confirmed address (like every mail a person did not ask for this minute,
it goes only to an address its owner proved), not deleted. Where check-in
counts (attendance's rule), people who attended get the full follow-up and
the others a short "sorry we missed you"; otherwise everyone going attended.

Crash-safe and idempotent: each person's Followup row is inserted ignoring
conflicts (the unique (event, person) key), and only the rows really
inserted get their outbox message, in the same transaction (whose dedupe key
says the same). A rerun, a run killed halfway, or two runs at once (on
PostgreSQL the second waits on the first's uncommitted keys, then skips
them) leave exactly one message per person. The job yields after each batch
of BATCH_SIZE people: its caller commits there (the CLI is the edge).
An event whose every person was due and is handled is marked done.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from meetup.database import insert_ignoring_conflicts
from meetup.extensions import db
from meetup.models import Event, EventVisibility, Followup, FollowupDone, FollowupKind
from meetup.models.types import utcnow
from meetup.outbox import Mail, queue_mail_bulk
from meetup.services import privacy
from meetup.services.followups.context import (
    Attendee,
    EventFollowup,
    Suggestion,
    blocks_for,
    followup_context,
    read_event_followup,
    suggestions_for,
)
from meetup.services.followups.due import (
    due_at,
    events_to_follow_up,
    is_sent_at_once,
    recipient_zone,
)
from meetup.services.followups.unsubscribe import list_unsubscribe_headers
from meetup.transactions import begin_write

BATCH_SIZE = 500  # people per transaction


@dataclass(frozen=True)
class Step:
    """One committed unit of the job's work."""

    event_title: str
    people: int  # due and handled in this step
    queued: int  # messages queued (fewer: another run queued the rest)
    ends_event: bool  # the last step of an event in this run


def follow_up_due(
    *,
    delay: timedelta | None,
    max_age: timedelta,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[Step]:
    """Queue every follow-up due now, a batch at a time. The caller commits
    after each step it is given (and rolls back if it stops)."""
    now = now or utcnow()
    begin_write(db.session)
    event_ids = [event.id for event in events_to_follow_up(now=now, delay=delay, max_age=max_age)]
    for position, event_id in enumerate(event_ids):
        if position:
            begin_write(db.session)  # the previous event's last step was committed
        event = db.session.get(Event, event_id)
        if event is not None:
            yield from _follow_up_event(event, now=now, delay=delay, batch_size=batch_size)


def _follow_up_event(
    event: Event, *, now: datetime, delay: timedelta | None, batch_size: int
) -> Iterator[Step]:
    title = event.title
    shared = read_event_followup(event, now=now)
    handled = set(db.session.scalars(select(Followup.user_id).where(Followup.event_id == event.id)))
    waiting = [a for a in shared.attendees if _wants_followup(a) and a.id not in handled]
    if event.visibility == EventVisibility.MEMBERS:  # to whom may still see it
        hidden = privacy.hidden_members_events({a.id for a in waiting}, {event.id})
        waiting = [a for a in waiting if a.id not in hidden]
    due = [a for a in waiting if _due(a, event, delay) <= now]
    is_finished = len(due) == len(waiting)
    # Read once for everyone due: the read loads the room, whatever the number
    # of people it is for (per batch, a 10,000-person event read it 20 times).
    full = [person.id for person in due if person.attended]
    suggested = suggestions_for(event, full, now=now) if full else {}
    blocks = blocks_for(shared, suggested)
    # Nobody due still makes one step: it may mark the event done.
    batches = [due[start : start + batch_size] for start in range(0, len(due), batch_size)] or [[]]
    for number, batch in enumerate(batches):
        if number:
            begin_write(db.session)  # the previous batch was committed
        queued = _queue_batch(shared, batch, suggested, blocks, now=now)
        is_last = number == len(batches) - 1
        if is_last and is_finished:
            _mark_done(event.id, now=now)
        yield Step(title, len(batch), queued, is_last)


def _wants_followup(person: Attendee) -> bool:
    return person.is_followup_email_wanted and person.is_verified and person.deleted_at is None


def _due(person: Attendee, event: Event, delay: timedelta | None) -> datetime:
    if is_sent_at_once(event):
        return event.ends_at
    return due_at(event.ends_at, recipient_zone(person.timezone, event.timezone), delay=delay)


def _queue_batch(
    shared: EventFollowup,
    batch: list[Attendee],
    suggested: Mapping[int, Sequence[Suggestion]],
    blocks: Mapping[int, frozenset[int]],
    *,
    now: datetime,
) -> int:
    """Record and queue the follow-ups of `batch`, skipping anyone another
    run recorded: only the rows inserted here get a message."""
    if not batch:
        return 0
    event = shared.event
    kinds = {person.id: _kind(person) for person in batch}
    table = Followup.__table__
    rows = [
        {"event_id": event.id, "user_id": person.id, "kind": kinds[person.id], "queued_at": now}
        for person in batch
    ]
    insert = insert_ignoring_conflicts(db.session, table, unique=["event_id", "user_id"])
    inserted = set(db.session.scalars(insert.returning(table.c.user_id), rows))
    recipients = [person for person in batch if person.id in inserted]
    return queue_mail_bulk(
        _mail(
            shared,
            person,
            kinds[person.id],
            suggested.get(person.id, []),
            blocks.get(person.id, frozenset()),
        )
        for person in recipients
    )


def _kind(person: Attendee) -> FollowupKind:
    return FollowupKind.FULL if person.attended else FollowupKind.MISSED


def _mail(
    shared: EventFollowup,
    person: Attendee,
    kind: FollowupKind,
    suggestions: Sequence[Suggestion],
    blocked: frozenset[int],
) -> Mail:
    event = shared.event
    link = shared.unsubscribe_url(person.id)
    subject = (
        full_subject(event) if kind == FollowupKind.FULL
        else f"Sorry we missed you at {event.title}"
    )  # fmt: skip
    return Mail(
        to=person.email,
        user_id=person.id,
        subject=subject,
        template="followup" if kind == FollowupKind.FULL else "followup_missed",
        dedupe_key=f"followup:{event.id}:{person.id}",
        context=followup_context(
            person, kind, shared, suggestions=suggestions, blocked=blocked, unsubscribe_url=link
        ),
        headers=list_unsubscribe_headers(link),
    )


def full_subject(event: Event) -> str:
    return f"After {event.title}: the people you met"


def followups_queued(event: Event) -> int:
    """How many people's follow-ups of `event` went to the outbox."""
    return db.session.scalar(
        select(func.count()).select_from(Followup).where(Followup.event_id == event.id)
    ) or 0  # fmt: skip


def is_followed_up(event: Event) -> bool:
    """Has every follow-up of `event` gone out (the job marked it done)?"""
    return db.session.get(FollowupDone, event.id) is not None


def _mark_done(event_id: int, *, now: datetime) -> None:
    db.session.execute(
        insert_ignoring_conflicts(db.session, FollowupDone.__table__, unique=["event_id"]),
        [{"event_id": event_id, "done_at": now}],
    )
