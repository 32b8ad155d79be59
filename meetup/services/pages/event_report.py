"""The after-event report for hosts: attendance, feedback, the connections
people made, and how this edition compares with earlier ones of its series.

Anonymity holds here: every feedback figure and comment, this edition's and
the earlier ones', comes from services.outcomes.anonymity, which alone says
when anonymous answers are shown (once feedback closes, as one batch). Only
connections count, never ticks, requests or links that did not end in one:
those would show one-sided interest.

Every figure is counted in SQL, grouped by event: the report costs the same
few queries for ten people or ten thousand, and for every edition at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, literal, select

from meetup.extensions import db
from meetup.lib.figures import count_text, decimal_text, percent_text
from meetup.lib.spreadsheets import csv_text
from meetup.lib.timezones import utc_to_local
from meetup.models import (
    Connection,
    Event,
    EventHost,
    EventStatus,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.services.events.lookup import require_host
from meetup.services.followups.sending import followups_queued
from meetup.services.outcomes.anonymity import (
    Comment,
    FeedbackFigures,
    comments,
    feedback_figures,
)
from meetup.services.rsvps.attendance import attended_condition

FIRST_WEEK = timedelta(days=7)
MAX_EDITIONS = 10  # earlier editions compared, latest first


@dataclass(frozen=True)
class Attendance:
    going: int
    came: int
    has_started: bool  # before the start, who attends is not known yet

    @property
    def attended(self) -> int | None:
        return self.came if self.has_started else None

    @property
    def no_shows(self) -> int | None:
        return self.going - self.came if self.has_started else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.going if self.no_shows is not None and self.going else None


@dataclass(frozen=True)
class Edition:
    """One edition of a series, as the comparison shows it."""

    slug: str
    title: str
    starts_at: datetime
    timezone: str
    attendance: Attendance
    average_rating: float | None
    connections: int

    @property
    def connections_per_attendee(self) -> float | None:
        attended = self.attendance.attended
        return self.connections / attended if attended else None


@dataclass(frozen=True)
class EventReport:
    event: Event
    attendance: Attendance
    feedback: FeedbackFigures
    comments: list[Comment]
    connections_first_week: int
    connections_total: int
    # This edition first, then the earlier ones the viewer hosts too; empty
    # when there are none to compare with.
    editions: list[Edition]
    # Follow-up emails sent for the event; None until that count is wired in
    # (the report then leaves the row out rather than show a made-up figure).
    followups_sent: int | None = None


def event_report(actor: User, event: Event, *, now: datetime) -> EventReport:
    """What the event did, for its hosts: five queries, whatever its size.

    :raise PermissionDenied: `actor` is not a host.
    """
    require_host(actor, event)
    earlier = _earlier_editions(actor, event, now=now)
    ids = [event.id, *(edition.id for edition in earlier)]
    attendance = _attendance([event, *earlier], now=now)
    feedback = feedback_figures([event, *earlier], now=now)
    first_week, connections = _connections(event, ids)
    editions = [
        Edition(
            slug=e.slug,
            title=e.title,
            starts_at=e.starts_at,
            timezone=e.timezone,
            attendance=attendance[e.id],
            average_rating=feedback[e.id].average,
            connections=connections.get(e.id, 0),
        )
        for e in [event, *earlier]
    ]
    figures = feedback[event.id]
    return EventReport(
        event=event,
        attendance=attendance[event.id],
        feedback=figures,
        comments=comments(event, figures),
        connections_first_week=first_week,
        connections_total=connections.get(event.id, 0),
        editions=editions if earlier else [],
        followups_sent=_followups_sent(event),
    )


def _followups_sent(event: Event) -> int | None:
    """The follow-up emails sent for `event`; None before any (the row is
    left out rather than showing a 0 that means "not yet")."""
    return followups_queued(event) or None


def _earlier_editions(actor: User, event: Event, *, now: datetime) -> list[Event]:
    """The editions `event` was copied from, back through the series, that
    `actor` hosts too and that took place: latest first, one query."""
    chain = (
        select(Event.previous_edition_id.label("id"), literal(1).label("depth"))
        .where(Event.id == event.id)
        .cte("editions", recursive=True)
    )
    chain = chain.union_all(
        select(Event.previous_edition_id, chain.c.depth + 1)
        .join(chain, Event.id == chain.c.id)
        .where(chain.c.depth < MAX_EDITIONS)
    )
    return list(
        db.session.scalars(
            select(Event)
            .join(chain, Event.id == chain.c.id)
            .join(EventHost, and_(EventHost.event_id == Event.id, EventHost.user_id == actor.id))
            .where(Event.status == EventStatus.PUBLISHED, Event.starts_at <= now)
            .order_by(chain.c.depth)
        )
    )


def _attendance(events: list[Event], *, now: datetime) -> dict[int, Attendance]:
    event_ids = [event.id for event in events]
    counts = {
        event_id: (going, came)
        for event_id, going, came in db.session.execute(
            select(Rsvp.event_id, func.count(), func.count().filter(attended_condition(now=now)))
            .where(Rsvp.event_id.in_(event_ids), Rsvp.status == RsvpStatus.GOING)
            .group_by(Rsvp.event_id)
        )
    }
    return {
        event.id: Attendance(*counts.get(event.id, (0, 0)), has_started=event.starts_at <= now)
        for event in events
    }


def _connections(event: Event, event_ids: list[int]) -> tuple[int, dict[int, int]]:
    """Connections made between people who met at `event` in the week after
    its end, and for each edition in all."""
    first_week = 0
    totals: dict[int, int] = {}
    for event_id, total, early in db.session.execute(
        select(
            Connection.event_id,
            func.count(),
            func.count().filter(
                Connection.event_id == event.id,
                Connection.created_at < event.ends_at + FIRST_WEEK,
            ),
        )
        .where(Connection.event_id.in_(event_ids))
        .group_by(Connection.event_id)
    ):
        totals[event_id] = total
        first_week += early
    return first_week, totals


# The CSV


def report_csv(actor: User, event: Event, *, now: datetime) -> str:
    """The report as a spreadsheet: figures, comments, editions, each written
    as the page writes it (meetup.lib.figures).

    :raise PermissionDenied: `actor` is not a host.
    """
    report = event_report(actor, event, now=now)
    seen, figures = report.attendance, report.feedback
    lines: list[list[object]] = [["figure", "value"]]
    lines += [
        ["going", seen.going],
        ["attended", count_text(seen.attended)],
        ["no-shows", count_text(seen.no_shows)],
        ["no-show rate", percent_text(seen.no_show_rate)],
        ["feedback answers", figures.count],
        ["anonymous answers included", "yes" if figures.includes_anonymous else "no"],
        ["average rating", decimal_text(figures.average)],
        *([f"rated {rating}", count] for rating, count in figures.distribution),
        ["would come again", percent_text(figures.coming_again_share)],
        ["connections in the first week", report.connections_first_week],
        ["connections in total", report.connections_total],
    ]
    if report.followups_sent is not None:
        lines.append(["follow-ups sent", report.followups_sent])
    lines += [[], ["comment", "from"]]
    lines += [[comment.text, comment.author or "anonymous"] for comment in report.comments]
    if report.editions:
        lines += [[], ["edition", "starts", "going", "attended", "no-shows", "average rating",
                       "connections per attendee"]]  # fmt: skip
        for edition in report.editions:
            starts = utc_to_local(edition.starts_at, edition.timezone)
            lines.append([
                edition.title, f"{starts:%Y-%m-%d %H:%M}", edition.attendance.going,
                count_text(edition.attendance.attended), count_text(edition.attendance.no_shows),
                decimal_text(edition.average_rating),
                decimal_text(edition.connections_per_attendee),
            ])  # fmt: skip
    return csv_text(lines)
