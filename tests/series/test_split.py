"""Editing "this and following" (services.series.editing.split_series): the
series ends before the edited occurrence and a new series continuing it
takes that one and the later ones, with every reply where it was made."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.lib import schedules
from meetup.lib.errors import InvalidInput, PermissionDenied
from meetup.lib.schedules import Frequency
from meetup.models import (
    Event,
    EventHost,
    EventStatus,
    HostRole,
    Rsvp,
    Series,
    SeriesOccurrence,
    User,
)
from meetup.models.types import utcnow
from meetup.services.accounts import credentials
from meetup.services.events.event_details import EventDetails
from meetup.services.hosting import lifecycle
from meetup.services.series.editing import EditScope, update_event
from meetup.services.series.occurrences import create_series, fill_series
from tests.plugins.series import occurrences, schedule_of

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2027, 9, 1, 8, 0, tzinfo=UTC)
FIRST = datetime(2027, 9, 2, 19, 0)  # the first Thursday of September 2027, Paris


def details_of(event: Event, **changes) -> EventDetails:
    """The event form's details of `event`, with `changes`."""
    local = event.starts_at.astimezone(PARIS).replace(tzinfo=None)
    values = {
        "title": event.title,
        "timezone": event.timezone,
        "starts_local": local,
        "ends_local": local + (event.ends_at - event.starts_at),
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        **changes,
    }
    return EventDetails(**values)


def at(event: Event, hour: int, minute: int = 0) -> dict:
    """Details changes moving `event` to hour:minute on its own date, two hours long."""
    day = event.starts_at.astimezone(PARIS).date()
    start = datetime.combine(day, time(hour, minute))
    return {"starts_local": start, "ends_local": start + timedelta(hours=2)}


def split(series_id: int, position: int, **changes) -> Event:
    """Edit "this and following" on the series' occurrence at `position`, as its creator."""
    event = occurrences(series_id)[position]
    actor = db.session.get(User, event.created_by_id)
    changes = at(event, 19, 30) | changes
    update_event(actor, event, details_of(event, **changes), scope=EditScope.FOLLOWING, now=NOW)
    db.session.commit()
    return event


def dates(schedule: schedules.Schedule, n: int = 30) -> list[datetime]:
    return list(islice(schedules.starts(schedule), n))


def test_splitting_keeps_every_reply_on_its_event_and_the_dates_of_both_halves(
    app, make_series, make_user, reply
):
    series = make_series(starts_local=FIRST, now=NOW)
    people = [make_user() for _ in range(3)]
    with app.app_context():
        made = occurrences(series.id)
        original = db.session.get(Series, series.id).schedule
    replies = {
        (person.id, event.id): reply(person, event, going=going).status
        for person, going in zip(people, (True, False, True), strict=True)
        for event in made
    }
    with app.app_context():
        split(series.id, 1, venue_name="Le Wagon")
        old = db.session.get(Series, series.id)
        new = db.session.scalar(select(Series).where(Series.continued_from_id == series.id))
        assert old.until == date(2027, 9, 2) and old.sequence == 1
        assert new.uid != old.uid and new.slug != old.slug
        assert (new.starts_on, new.local_time) == (date(2027, 10, 7), time(19, 30))
        # The same events, re-linked: nothing recreated.
        assert [event.id for event in occurrences(old.id)] == [made[0].id]
        moved = occurrences(new.id)
        assert [event.id for event in moved[:2]] == [made[1].id, made[2].id]
        assert [e.starts_at.astimezone(PARIS).time() for e in moved] == [time(19, 30)] * len(moved)
        assert {event.venue_name for event in moved} == {"Le Wagon"}
        assert occurrences(old.id)[0].venue_name == "Station F"
        kept = {
            (rsvp.user_id, rsvp.event_id): rsvp.status
            for rsvp in db.session.scalars(
                select(Rsvp).where(Rsvp.user_id.in_([person.id for person in people]))
            )
        }
        assert kept == replies
        # Both halves give the original's dates, the later ones at the new time.
        halves = dates(old.schedule) + dates(new.schedule, 29)
        expected = [
            start
            if start.astimezone(PARIS).date() < date(2027, 10, 7)
            else datetime.combine(start.astimezone(PARIS).date(), time(19, 30), tzinfo=PARIS)
            for start in dates(original)
        ]
        assert halves == expected
        # Each occurrence's RECURRENCE-ID is its new series' instant.
        links = db.session.scalars(
            select(SeriesOccurrence.recurrence_at).where(SeriesOccurrence.series_id == new.id)
        ).all()
        assert sorted(links) == dates(new.schedule, len(links))


def test_a_series_with_a_count_hands_what_is_left_of_it_on(app, make_series):
    series = make_series(starts_local=FIRST, now=NOW, schedule=schedule_of(count=5))
    with app.app_context():
        original = dates(db.session.get(Series, series.id).schedule)
        split(series.id, 2)
        old = db.session.get(Series, series.id)
        new = db.session.scalar(select(Series).where(Series.continued_from_id == series.id))
        assert (old.count, old.until, new.count) == (2, None, 3)
        together = dates(old.schedule) + dates(new.schedule)
        assert [start.astimezone(PARIS).date() for start in together] == [
            start.astimezone(PARIS).date() for start in original
        ]


def test_occurrences_changed_on_their_own_or_cancelled_keep_what_they_are(app, make_series):
    series = make_series(starts_local=FIRST, now=NOW)
    with app.app_context():
        fill_series(db.session.get(Series, series.id), now=datetime(2027, 10, 1, tzinfo=UTC))
        made = occurrences(series.id)
        host = db.session.get(User, made[0].created_by_id)
        update_event(
            host, made[2], details_of(made[2], venue_name="The roof"), scope="this", now=NOW
        )
        lifecycle.cancel_event(host, made[3], now=NOW)
        db.session.commit()
        split(series.id, 1)
        new = db.session.scalar(select(Series).where(Series.continued_from_id == series.id))
        edited, detached, cancelled = occurrences(new.id)[:3]
        assert edited.id == made[1].id and not edited.series_link.is_detached
        assert (detached.id, detached.venue_name) == (made[2].id, "The roof")
        assert detached.starts_at.astimezone(PARIS).time() == time(19, 0)
        assert detached.series_link.is_detached
        # Its date stays its RECURRENCE-ID, in the new series' schedule.
        assert detached.series_link.recurrence_at == datetime(2027, 11, 4, 18, 30, tzinfo=UTC)
        assert (cancelled.id, cancelled.status) == (made[3].id, EventStatus.CANCELLED)
        assert cancelled.starts_at.astimezone(PARIS).time() == time(19, 0)
        assert cancelled.series_link.recurrence_at == datetime(2027, 12, 2, 18, 30, tzinfo=UTC)


def test_this_and_following_from_the_first_occurrence_changes_the_series_in_place(app, make_series):
    series = make_series(starts_local=FIRST, now=NOW)
    with app.app_context():
        made = occurrences(series.id)
        split(series.id, 0, title="Breakfast club")
        assert db.session.scalar(select(func.count()).select_from(Series)) == 1
        row = db.session.get(Series, series.id)
        assert (row.local_time, row.title, row.sequence) == (time(19, 30), "Breakfast club", 1)
        after = occurrences(series.id)
        assert [event.id for event in after[:3]] == [event.id for event in made]
        assert {event.title for event in after} == {"Breakfast club"}
        assert [e.series_link.recurrence_at for e in after] == [e.starts_at for e in after]


def test_a_time_the_clocks_skip_is_refused_at_the_start_and_nothing_is_written(app, make_series):
    # Weekly on Sundays: the clocks go forward on Sunday 26 March 2028, 02:00 to 03:00.
    series = make_series(
        starts_local=datetime(2027, 9, 5, 19, 0),
        now=NOW,
        schedule=schedule_of(nth_weekday=None, frequency=Frequency.WEEKLY, weekdays=(6,)),
    )
    with app.app_context():
        event = occurrences(series.id)[1]
        host = db.session.get(User, event.created_by_id)
        with pytest.raises(InvalidInput) as refused:
            update_event(
                host, event, details_of(event, **at(event, 2, 30)), scope="following", now=NOW
            )
        assert refused.value.field == "starts_at"
        assert "does not exist" in refused.value.message
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Series)) == 1
        assert db.session.get(Series, series.id).until is None


def test_a_refusal_on_an_occurrence_s_own_details_undoes_the_split(app, make_series):
    series = make_series(starts_local=FIRST, now=NOW)
    with app.app_context():
        event = occurrences(series.id)[1]
        host = db.session.get(User, event.created_by_id)
        wanted = details_of(
            event, **at(event, 19, 30), rsvp_deadline_local=datetime(2027, 10, 8, 12, 0)
        )
        with pytest.raises(InvalidInput) as refused:
            update_event(host, event, wanted, scope="following", now=NOW)
        assert refused.value.field == "rsvp_deadline"
        # No rollback here: the service undid its own writes.
        db.session.flush()
        assert db.session.scalar(select(func.count()).select_from(Series)) == 1
        assert db.session.get(Series, series.id).until is None
        assert [e.series_link.series_id for e in occurrences(series.id)[1:]] == [series.id] * 2


def test_only_a_host_of_the_series_splits_it(app, make_series, make_user):
    series = make_series(starts_local=FIRST, now=NOW)
    helper = make_user()
    with app.app_context():
        made = occurrences(series.id)
        # A co-host of that one occurrence alone does not change the others.
        made[1].hosts.append(EventHost(user_id=helper.id, role=HostRole.COHOST))
        db.session.flush()
        with pytest.raises(PermissionDenied):
            update_event(
                db.session.get(User, helper.id),
                made[1],
                details_of(made[1], **at(made[1], 20)),
                scope="following",
                now=NOW,
            )


def test_two_splits_at_once_make_one_new_series(committed_postgres_app):
    app = committed_postgres_app
    now = utcnow()
    with app.app_context():
        host = credentials.register_user(
            email="splitter@example.org", display_name="Splitter", password="correct horse battery"
        )
        host.email_verified_at = now
        start = (
            (now + timedelta(days=1))
            .astimezone(PARIS)
            .replace(hour=19, minute=0, second=0, microsecond=0, tzinfo=None)
        )
        details = EventDetails(
            title="Weekly coffee", timezone="Europe/Paris", starts_local=start,
            ends_local=start + timedelta(hours=2), venue_name="Café",
        )  # fmt: skip
        weekly = schedule_of(
            frequency=Frequency.WEEKLY, nth_weekday=None, weekdays=(start.weekday(),)
        )
        series = create_series(host, details, weekly, now=now)
        db.session.commit()
        series_id, host_id = series.id, host.id
        second_id = occurrences(series_id)[1].id
    ready = threading.Barrier(2)
    errors: list[BaseException] = []

    def edit(hour: int) -> None:
        try:
            with app.app_context():
                event = db.session.get(Event, second_id)
                event.series_link.series  # noqa: B018 - loaded before the lock, as a request does
                actor = db.session.get(User, host_id)
                wanted = details_of(event, **at(event, hour))
                ready.wait(timeout=10)
                update_event(actor, event, wanted, scope="following", now=now)
                db.session.commit()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=edit, args=(hour,)) for hour in (18, 20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Series)) == 2
        new = db.session.scalar(select(Series).where(Series.continued_from_id == series_id))
        assert new.local_time in (time(18, 0), time(20, 0))
        moved = occurrences(new.id)
        assert moved[0].id == second_id
        assert {event.starts_at.astimezone(PARIS).time() for event in moved} == {new.local_time}
        old = db.session.get(Series, series_id)
        assert len(occurrences(old.id)) == 1
        assert old.until < new.starts_on
