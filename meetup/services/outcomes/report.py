"""The after-event report for hosts: attendance, feedback, the connections
people made, and how this edition compares with earlier ones of its series.

Anonymity holds here: figures and comments include anonymous answers only
once at least MIN_ANONYMOUS answers are anonymous (until then, the signed
answers alone), so no difference between two figures gives away one
anonymous rating; an anonymous comment never carries a name or a time. Only
connections count, never ticks, requests or links that did not end in one:
those would show one-sided interest.

Every figure is counted in SQL, grouped by event: the report costs the same
few queries for ten people or ten thousand, and for every edition at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, literal, select

from meetup.extensions import db
from meetup.lib.spreadsheets import csv_text
from meetup.lib.timezones import utc_to_local
from meetup.models import (
    Connection,
    Event,
    EventHost,
    EventStatus,
    Feedback,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.services.connections.attendance import attended_condition
from meetup.services.events.events import require_host
from meetup.services.followups.followups import followups_queued
from meetup.services.outcomes.feedback import RATINGS

MIN_ANONYMOUS = 3
FIRST_WEEK = timedelta(days=7)
MAX_EDITIONS = 10  # earlier editions compared, latest first


@dataclass(frozen=True)
class Attendance:
    going: int
    attended: int
    has_started: bool  # before the start, nobody has attended or not shown up yet

    @property
    def no_shows(self) -> int:
        return self.going - self.attended if self.has_started else 0

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.going if self.has_started and self.going else None


@dataclass(frozen=True)
class FeedbackFigures:
    """The answers the hosts may see counted (see the module's rule)."""

    count: int = 0
    total_rating: int = 0
    coming_again: int = 0
    by_rating: dict[int, int] = field(default_factory=dict)
    # Anonymous answers are in the figures (at least MIN_ANONYMOUS of them).
    includes_anonymous: bool = False

    @property
    def average(self) -> float | None:
        return self.total_rating / self.count if self.count else None

    @property
    def coming_again_share(self) -> float | None:
        return self.coming_again / self.count if self.count else None

    @property
    def distribution(self) -> list[tuple[int, int]]:
        return [(rating, self.by_rating.get(rating, 0)) for rating in RATINGS]

    @property
    def peak(self) -> int:
        return max(self.by_rating.values(), default=0)


@dataclass(frozen=True)
class Comment:
    text: str
    author: str | None  # None: anonymous


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
    feedback = _feedback_figures(ids)
    first_week, connections = _connections(event, ids)
    editions = [
        Edition(
            slug=e.slug,
            title=e.title,
            starts_at=e.starts_at,
            timezone=e.timezone,
            attendance=attendance[e.id],
            average_rating=feedback.get(e.id, FeedbackFigures()).average,
            connections=connections.get(e.id, 0),
        )
        for e in [event, *earlier]
    ]
    figures = feedback.get(event.id, FeedbackFigures())
    return EventReport(
        event=event,
        attendance=attendance[event.id],
        feedback=figures,
        comments=_comments(event, with_anonymous=figures.includes_anonymous),
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


def _feedback_figures(event_ids: list[int]) -> dict[int, FeedbackFigures]:
    """Per event, the figures over the answers the hosts may see counted."""
    rows: dict[int, list[tuple[bool, int, int, int]]] = {}
    for event_id, is_signed, rating, answers, coming_again in db.session.execute(
        select(
            Feedback.event_id,
            Feedback.is_signed,
            Feedback.rating,
            func.count(),
            func.count().filter(Feedback.is_coming_again.is_(True)),
        )
        .where(Feedback.event_id.in_(event_ids))
        .group_by(Feedback.event_id, Feedback.is_signed, Feedback.rating)
    ):
        rows.setdefault(event_id, []).append((is_signed, rating, answers, coming_again))
    return {event_id: _figures(groups) for event_id, groups in rows.items()}


def _figures(groups: Iterable[tuple[bool, int, int, int]]) -> FeedbackFigures:
    groups = list(groups)
    anonymous = sum(answers for is_signed, _, answers, _ in groups if not is_signed)
    counted = [g for g in groups if g[0] or anonymous >= MIN_ANONYMOUS]
    by_rating: dict[int, int] = {}
    for _, rating, answers, _ in counted:
        by_rating[rating] = by_rating.get(rating, 0) + answers
    return FeedbackFigures(
        count=sum(g[2] for g in counted),
        total_rating=sum(g[1] * g[2] for g in counted),
        coming_again=sum(g[3] for g in counted),
        by_rating=by_rating,
        includes_anonymous=anonymous >= MIN_ANONYMOUS,
    )


def _comments(event: Event, *, with_anonymous: bool) -> list[Comment]:
    """Signed comments by name; anonymous ones (only with enough anonymous
    answers) in the order of their text, so no order hints at who or when."""
    rows = db.session.execute(
        select(Feedback.comment, Feedback.is_signed, User.display_name)
        .outerjoin(User, and_(User.id == Feedback.user_id, Feedback.is_signed.is_(True)))
        .where(Feedback.event_id == event.id, Feedback.comment != "")
    ).all()
    signed = sorted(
        (Comment(text, name) for text, is_signed, name in rows if is_signed),
        key=lambda c: ((c.author or "").lower(), c.text),
    )
    unsigned = [Comment(text, None) for text, is_signed, _ in rows if not is_signed]
    if not with_anonymous:
        return signed
    return signed + sorted(unsigned, key=lambda c: c.text)


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


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}%"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def report_csv(actor: User, event: Event, *, now: datetime) -> str:
    """The report as a spreadsheet: figures, comments, editions.

    :raise PermissionDenied: `actor` is not a host.
    """
    report = event_report(actor, event, now=now)
    seen, figures = report.attendance, report.feedback
    lines: list[list[object]] = [["figure", "value"]]
    lines += [["going", seen.going]]
    if seen.has_started:
        lines += [["attended", seen.attended], ["no-shows", seen.no_shows],
                  ["no-show rate", _percent(seen.no_show_rate)]]  # fmt: skip
    lines += [
        ["feedback answers", figures.count],
        ["anonymous answers included", "yes" if figures.includes_anonymous else "no"],
        ["average rating", _number(figures.average)],
        *([f"rated {rating}", count] for rating, count in figures.distribution),
        ["would come again", _percent(figures.coming_again_share)],
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
                edition.attendance.attended, edition.attendance.no_shows,
                _number(edition.average_rating), _number(edition.connections_per_attendee),
            ])  # fmt: skip
    return csv_text(lines)
