"""Splitting a series ("this and following") in real readers: the two
halves' files together expand to the dates the series had, the later ones
at their new time, and a following occurrence keeps its entry in the
calendars of the people going (its UID and RECURRENCE-ID), so their update
replaces it rather than sitting beside it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, OutboxMessage, Series, SeriesOccurrence, User
from meetup.services.calendar.invitations import invitation_file
from meetup.services.events.event_details import EventDetails
from meetup.services.series.editing import EditScope, update_event
from tests.calendar.readers import expand_all
from tests.calendar.series_data import TWO_YEARS, occurrences

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 2, 20, 9, 0, tzinfo=UTC)
FIRST = datetime(2027, 3, 4, 19, 0)  # first Thursday of March 2027, before the clocks change


def _split_at_third(app, series_id: int) -> str:
    """Edit "this and following" on the third date: 18:30 from then on.
    Returns the continuing series' slug."""
    with app.app_context():
        event = occurrences(series_id)[2]
        day = event.starts_at.astimezone(PARIS).date()
        start = datetime.combine(day, time(18, 30))
        details = _details(event, start)
        actor = db.session.get(User, event.created_by_id)
        update_event(actor, event, details, scope=EditScope.FOLLOWING, now=NOW)
        db.session.commit()
        return db.session.scalar(select(Series.slug).where(Series.continued_from_id == series_id))


def _details(event: Event, start: datetime) -> EventDetails:
    return EventDetails(
        title=event.title, timezone=event.timezone, starts_local=start,
        ends_local=start + timedelta(hours=2), venue_name=event.venue_name,
        venue_address=event.venue_address,
    )  # fmt: skip


def test_the_two_halves_expand_to_the_dates_before_the_split(
    app, make_series, reply, make_user, tmp_path
):
    series = make_series(starts_local=FIRST, now=NOW)
    until = FIRST.replace(tzinfo=PARIS) + TWO_YEARS
    client = app.test_client()
    before = expand_all(client.get(f"/series/{series.slug}.ics").get_data(), until, tmp_path)

    continued = _split_at_third(app, series.id)

    first_half = expand_all(client.get(f"/series/{series.slug}.ics").get_data(), until, tmp_path)
    second_half = expand_all(client.get(f"/series/{continued}.ics").get_data(), until, tmp_path)
    assert len(first_half) == 2
    split_day = before[2].start.astimezone(PARIS).date()
    assert all(item.start.astimezone(PARIS).date() < split_day for item in first_half)
    assert all(item.start.astimezone(PARIS).date() >= split_day for item in second_half)
    days = [item.start.astimezone(PARIS).date() for item in first_half + second_half]
    assert days == [item.start.astimezone(PARIS).date() for item in before]
    assert {item.start.astimezone(PARIS).time() for item in first_half} == {time(19, 0)}
    assert {item.start.astimezone(PARIS).time() for item in second_half} == {time(18, 30)}
    assert len({item.uid for item in first_half} | {item.uid for item in second_half}) == 2


def test_a_following_occurrence_keeps_its_entry_in_the_calendars_of_people_going(
    app, make_series, make_user, reply, outbox
):
    series = make_series(starts_local=FIRST, now=NOW)
    guest = make_user()
    with app.app_context():
        third = occurrences(series.id)[2]
        third_id = third.id
        link = db.session.get(SeriesOccurrence, third_id)
        identity = (link.calendar_uid, link.calendar_recurrence_at)
    reply(guest, SimpleNamespace(id=third_id))

    _split_at_third(app, series.id)

    with app.app_context():
        link = db.session.get(SeriesOccurrence, third_id)
        assert link.series_id != series.id  # it belongs to the continuing series now
        assert (link.calendar_uid, link.calendar_recurrence_at) == identity
        updates = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.user_id == guest.id, OutboxMessage.calendar_method == "REQUEST")
            .order_by(OutboxMessage.id)
        ).all()
        assert len(updates) == 2  # the confirmation, then the change of time
        files = [icalendar.Calendar.from_ical(_ics(message)) for message in updates]
        entries = [next(iter(found.walk("VEVENT"))) for found in files]
        assert {str(entry["UID"]) for entry in entries} == {identity[0]}
        assert {entry.decoded("RECURRENCE-ID") for entry in entries} == {identity[1]}
        assert entries[1].decoded("DTSTART").astimezone(PARIS).time() == time(18, 30)


def _ics(message: OutboxMessage) -> str:
    return invitation_file(
        message.context["invitation"], attendee_email=message.recipient,
        attendee_name="", alarm_minutes=None, now=NOW,
    )  # fmt: skip
