"""The outcomes of a community's events across its editions, for its admins:
per past event, who came, who was checked in, the feedback the hosts may
see and the connections made there, with the totals.

Feedback figures come from services.outcomes.anonymity, the one rule the
event's own report follows (anonymous answers only once the window closed,
as one batch, and only past its threshold), so this page can tell nothing
that an event's report would not; its totals add up figures that already
obey it. Only connections count, never ticks or requests (one-sided).

Every figure is counted in SQL, grouped by event: the page costs the same
few queries for one edition or a hundred, ten people or ten thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.lib.figures import decimal_text, percent_text
from meetup.lib.spreadsheets import csv_text
from meetup.lib.timezones import utc_to_local
from meetup.models import (
    Community,
    CommunityEvent,
    Connection,
    Event,
    EventStatus,
    EventVisibility,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.services.communities.lookup import find_administered
from meetup.services.outcomes.anonymity import FeedbackFigures, Release, feedback_figures
from meetup.services.rsvps.attendance import attended_condition


@dataclass(frozen=True)
class EventOutcome:
    """One past event of the community, as the report shows it."""

    slug: str
    title: str
    starts_at: datetime
    timezone: str
    is_members_only: bool
    going: int
    attended: int  # the one "attended" rule (services.rsvps.attendance)
    checked_in: int
    feedback: FeedbackFigures
    connections: int

    @property
    def connections_per_attendee(self) -> float | None:
        return self.connections / self.attended if self.attended else None


@dataclass(frozen=True)
class Totals:
    """The past events together. Feedback adds up what each event shows."""

    events: int
    going: int
    attended: int
    checked_in: int
    answers: int
    total_rating: int
    coming_again: int
    connections: int
    people: int  # distinct people who attended at least one event
    returning: int  # of them, those who attended two or more
    # Some event's figures still count signed answers only (pending or withheld).
    is_partly_signed_only: bool

    @property
    def average_rating(self) -> float | None:
        return self.total_rating / self.answers if self.answers else None

    @property
    def coming_again_share(self) -> float | None:
        return self.coming_again / self.answers if self.answers else None

    @property
    def connections_per_attendee(self) -> float | None:
        return self.connections / self.attended if self.attended else None

    @property
    def returning_share(self) -> float | None:
        return self.returning / self.people if self.people else None


@dataclass(frozen=True)
class CommunityReport:
    community: Community
    events: list[EventOutcome]  # latest first
    totals: Totals


def community_report(actor: User, slug: str, *, now: datetime) -> CommunityReport:
    """What the community's past events did, for its admins: seven queries,
    whatever the number of events and people.

    :raise NotFound: no such community.
    :raise PermissionDenied: `actor` is not one of its admins.
    """
    community = find_administered(actor, slug)
    events = _past_events(community, now=now)
    ids = [event.id for event in events]
    attendance = _attendance(ids, now=now)
    feedback = feedback_figures(events, now=now)
    connections = _connections(ids)
    outcomes = [
        EventOutcome(
            event.slug,
            event.title,
            event.starts_at,
            event.timezone,
            event.visibility == EventVisibility.MEMBERS,
            *attendance.get(event.id, (0, 0, 0)),
            feedback=feedback[event.id],
            connections=connections.get(event.id, 0),
        )
        for event in events
    ]
    return CommunityReport(community, outcomes, _totals(outcomes, *_people(ids, now=now)))


def _past_events(community: Community, *, now: datetime) -> list[Event]:
    """The community's published events that have started, latest first."""
    return list(
        db.session.scalars(
            select(Event)
            .join(CommunityEvent, CommunityEvent.event_id == Event.id)
            .where(
                CommunityEvent.community_id == community.id,
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at <= now,
            )
            .order_by(Event.starts_at.desc(), Event.id.desc())
        )
    )


def _attendance(event_ids: list[int], *, now: datetime) -> dict[int, tuple[int, int, int]]:
    """(going, attended, checked in) by event, in one grouped query."""
    if not event_ids:
        return {}
    return {
        event_id: (going, came, checked_in)
        for event_id, going, came, checked_in in db.session.execute(
            select(
                Rsvp.event_id,
                func.count(),
                func.count().filter(attended_condition(now=now)),
                func.count().filter(Rsvp.checked_in_at.is_not(None)),
            )
            .where(Rsvp.event_id.in_(event_ids), Rsvp.status == RsvpStatus.GOING)
            .group_by(Rsvp.event_id)
        )
    }


def _connections(event_ids: list[int]) -> dict[int, int]:
    """Connections made between people who met at each event."""
    if not event_ids:
        return {}
    return dict(
        db.session.execute(
            select(Connection.event_id, func.count())
            .where(Connection.event_id.in_(event_ids))
            .group_by(Connection.event_id)
        ).all()
    )


def _people(event_ids: list[int], *, now: datetime) -> tuple[int, int]:
    """How many people attended one of the events, and how many of them two
    or more: counted in the database, one row back."""
    if not event_ids:
        return 0, 0
    per_person = (
        select(Rsvp.user_id, func.count().label("attended"))
        .where(Rsvp.event_id.in_(event_ids), attended_condition(now=now))
        .group_by(Rsvp.user_id)
        .subquery()
    )
    people, returning = db.session.execute(
        select(func.count(), func.count().filter(per_person.c.attended >= 2)).select_from(
            per_person
        )
    ).one()
    return people, returning


def _totals(outcomes: list[EventOutcome], people: int, returning: int) -> Totals:
    return Totals(
        events=len(outcomes),
        going=sum(o.going for o in outcomes),
        attended=sum(o.attended for o in outcomes),
        checked_in=sum(o.checked_in for o in outcomes),
        answers=sum(o.feedback.count for o in outcomes),
        total_rating=sum(o.feedback.total_rating for o in outcomes),
        coming_again=sum(o.feedback.coming_again for o in outcomes),
        connections=sum(o.connections for o in outcomes),
        people=people,
        returning=returning,
        is_partly_signed_only=any(o.feedback.release is not Release.RELEASED for o in outcomes),
    )


# The CSV


def community_report_csv(actor: User, slug: str, *, now: datetime) -> str:
    """The report as a spreadsheet: one line per past event, latest first,
    then the totals, each figure written as the page writes it.

    :raise NotFound, PermissionDenied: see community_report.
    """
    report = community_report(actor, slug, now=now)
    lines: list[list[object]] = [[
        "event", "starts", "members only", "going", "attended", "checked in",
        "feedback answers", "anonymous answers included", "average rating", "would come again",
        "connections", "connections per attendee",
    ]]  # fmt: skip
    for event in report.events:
        figures = event.feedback
        starts = utc_to_local(event.starts_at, event.timezone)
        lines.append([
            event.title, f"{starts:%Y-%m-%d %H:%M}", "yes" if event.is_members_only else "no",
            event.going, event.attended, event.checked_in, figures.count,
            "yes" if figures.includes_anonymous else "no", decimal_text(figures.average),
            percent_text(figures.coming_again_share), event.connections,
            decimal_text(event.connections_per_attendee),
        ])  # fmt: skip
    totals = report.totals
    lines += [[], ["total", "value"]]
    lines += [
        ["events", totals.events],
        ["going", totals.going],
        ["attended", totals.attended],
        ["checked in", totals.checked_in],
        ["people who came", totals.people],
        ["came back (two events or more)", totals.returning],
        ["feedback answers", totals.answers],
        ["average rating", decimal_text(totals.average_rating)],
        ["would come again", percent_text(totals.coming_again_share)],
        ["connections", totals.connections],
        ["connections per attendee", decimal_text(totals.connections_per_attendee)],
    ]
    return csv_text(lines)
