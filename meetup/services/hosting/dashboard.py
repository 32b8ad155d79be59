"""The hosts' dashboard: where an event stands, and how replies came in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from meetup.extensions import db
from meetup.lib.timezones import utc_to_local
from meetup.models import Event, Rsvp, RsvpChange, RsvpStatus, User
from meetup.services.events.lookup import require_host
from meetup.services.hosting.checkin import checked_in_count
from meetup.services.rsvps.seat_count import SeatCount, count_seats


@dataclass(frozen=True)
class DayCount:
    day: date  # in the event's time zone
    going: int  # people going at the end of that day


@dataclass(frozen=True)
class Dashboard:
    seats: SeatCount
    checked_in: int
    going_by_day: list[DayCount]

    @property
    def peak(self) -> int:
        return max((day.going for day in self.going_by_day), default=0)


def get_dashboard(actor: User, event: Event) -> Dashboard:
    """Counts and the people going day by day, in three queries.

    :raise PermissionDenied: `actor` is not a host.
    """
    require_host(actor, event)
    return Dashboard(count_seats(event), checked_in_count(event), _going_by_day(event))


def _going_by_day(event: Event) -> list[DayCount]:
    """Replay every change into or out of "going" (people, not seats)."""
    changes = db.session.execute(
        select(RsvpChange.changed_at, RsvpChange.from_status, RsvpChange.to_status)
        .join(Rsvp, Rsvp.id == RsvpChange.rsvp_id)
        .where(
            Rsvp.event_id == event.id,
            or_(
                RsvpChange.to_status == RsvpStatus.GOING,
                RsvpChange.from_status == RsvpStatus.GOING,
            ),
        )
        .order_by(RsvpChange.changed_at, RsvpChange.id)
    )
    days: list[DayCount] = []
    going = 0
    for changed_at, from_status, to_status in changes:
        going += (to_status == RsvpStatus.GOING) - (from_status == RsvpStatus.GOING)
        day = utc_to_local(changed_at, event.timezone).date()
        if days and days[-1].day == day:
            days[-1] = DayCount(day, going)
        else:
            days.append(DayCount(day, going))
    return days
