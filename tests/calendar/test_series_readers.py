"""A series' .ics expanded by real readers (recurring_ical_events, ical.js)
gives exactly the occurrences the app lists, over two years and across the
changes of the clocks; Radicale finds each at its instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from meetup.extensions import db
from meetup.lib.schedules import Frequency
from meetup.lib.vtimezones import vtimezone
from meetup.models import Series
from tests.calendar.readers import expand_all, read_all
from tests.calendar.series_data import TWO_YEARS, cancel, listed, move, occurrences
from tests.plugins.series import schedule_of

PARIS = ZoneInfo("Europe/Paris")
MINUTE = timedelta(minutes=1)

# (zone, first local start, schedule changes, the "now" it is made at)
CASES = {
    # First Thursday, 19:00 Paris, open-ended: made from March over the spring change.
    "paris-open": ("Europe/Paris", datetime(2027, 3, 4, 19, 0), {},
                   datetime(2027, 2, 20, 9, 0, tzinfo=UTC)),
    # Tuesdays in New York, ten dates, over the November change.
    "new-york-count": ("America/New_York", datetime(2027, 10, 19, 18, 30),
                       {"frequency": Frequency.WEEKLY, "weekdays": (1,), "nth_weekday": None,
                        "count": 10}, datetime(2027, 10, 1, 12, 0, tzinfo=UTC)),
    # The 1st of each month in Sydney until mid-2028: April's and October's changes.
    "sydney-until": ("Australia/Sydney", datetime(2027, 3, 1, 19, 0),
                     {"nth_weekday": None, "month_day": 1, "until": date(2028, 6, 30)},
                     datetime(2027, 2, 10, 0, 0, tzinfo=UTC)),
}  # fmt: skip


def _made(make_series, case: str):
    zone, start, changes, now = CASES[case]
    return make_series(
        timezone=zone, starts_local=start, now=now,
        schedule=schedule_of(timezone=zone, **changes),
    )  # fmt: skip


def _moved_and_cancelled(app, series) -> tuple[int, int]:
    """Move the second occurrence a day and an hour later, cancel the third."""
    with app.app_context():
        made = [event.id for event in occurrences(series.id)]
    move(app, made[1], by=timedelta(days=1, hours=1))
    cancel(app, made[2])
    return made[1], made[2]


@pytest.mark.parametrize("case", sorted(CASES))
def test_readers_expand_the_series_to_the_dates_the_app_lists(app, make_series, tmp_path, case):
    series = _made(make_series, case)
    _moved_and_cancelled(app, series)
    start = CASES[case][1].replace(tzinfo=ZoneInfo(CASES[case][0]))
    until = start + TWO_YEARS
    response = app.test_client().get(f"/series/{series.slug}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    expected = listed(app, series.id, until=until)
    seen = expand_all(response.get_data(), until, tmp_path)
    assert seen == expected
    # The local time holds across the changes: every unmoved date at the series' hour.
    local = {item.start.astimezone(ZoneInfo(CASES[case][0])).time() for item in seen}
    assert local == {CASES[case][1].time(), (CASES[case][1] + timedelta(hours=1)).time()}
    offsets = {item.start.astimezone(ZoneInfo(CASES[case][0])).utcoffset() for item in seen}
    assert len(offsets) == 2, "both sides of a change of the clocks"


def test_the_master_has_its_rule_in_the_series_zone_with_overrides_and_exdates(
    app, make_series, tmp_path
):
    series = _made(make_series, "paris-open")
    _moved_and_cancelled(app, series)
    data = app.test_client().get(f"/series/{series.slug}.ics").get_data()
    calendar = icalendar.Calendar.from_ical(data)
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    master, *overrides = calendar.walk("VEVENT")
    assert master["UID"] == f"{series.uid}@meetup"
    assert master["DTSTART"].params["TZID"] == "Europe/Paris"
    assert master.decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 3, 4, 19, 0)
    assert master["RRULE"].to_ical() == b"FREQ=MONTHLY;BYDAY=1TH"
    assert f"/series/{series.slug}" in master["URL"]
    assert "Every month on the first Thursday at 19:00 (Europe/Paris)" in master["DESCRIPTION"]
    exdates = [moment.dt for moment in master["EXDATE"].dts]
    assert exdates == [datetime(2027, 5, 6, 19, 0, tzinfo=PARIS)]
    # Only the moved occurrence differs from its instance: one override.
    assert len(overrides) == 1
    (override,) = overrides
    assert override["UID"] == master["UID"]
    assert override.decoded("RECURRENCE-ID") == datetime(2027, 4, 1, 19, 0, tzinfo=PARIS)
    assert override.decoded("DTSTART") == datetime(2027, 4, 2, 20, 0, tzinfo=PARIS)
    # And icalendar, vobject and ical.js read the file's components alike.
    read = read_all(data, tmp_path)
    assert [item.recurrence_id for item in read] == [None, datetime(2027, 4, 1, 17, 0, tzinfo=UTC)]


def test_a_finite_series_ends_in_every_reader(app, make_series, tmp_path):
    series = _made(make_series, "new-york-count")
    data = app.test_client().get(f"/series/{series.slug}.ics").get_data()
    until = datetime(2030, 1, 1, tzinfo=UTC)
    seen = expand_all(data, until, tmp_path)
    assert len(seen) == 10
    assert seen == listed(app, series.id, until=until)


def _query(start: datetime, end: datetime) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{end:%Y%m%dT%H%M%SZ}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


def _finds(caldav, collection: str, start: datetime, end: datetime) -> bool:
    status, found = caldav.request(
        "REPORT", collection, _query(start.astimezone(UTC), end.astimezone(UTC)),
        {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
    )  # fmt: skip
    assert status == 207, found
    return b"series.ics" in found


def _put(caldav, collection: str, data: bytes) -> None:
    status, body = caldav.request(
        "PUT", f"{collection}series.ics", data, {"Content-Type": "text/calendar; charset=utf-8"}
    )
    assert status in (201, 204), body


@pytest.mark.parametrize("case", ["paris-open", "sydney-until"])
def test_radicale_finds_each_occurrence_at_its_instant_on_both_sides_of_each_change(
    app, make_series, caldav, case
):
    series = _made(make_series, case)
    _moved_and_cancelled(app, series)
    collection = f"{caldav.home}series/"
    assert caldav.request("MKCALENDAR", collection)[0] == 201
    _put(caldav, collection, app.test_client().get(f"/series/{series.slug}.ics").get_data())
    start = CASES[case][1].replace(tzinfo=ZoneInfo(CASES[case][0]))
    # Fourteen months: both changes of the clocks, each side of each.
    expected = listed(app, series.id, until=start + timedelta(days=430))
    zone = ZoneInfo(CASES[case][0])
    assert len({item.start.astimezone(zone).utcoffset() for item in expected}) == 2
    for item in expected:
        assert _finds(caldav, collection, item.start, item.start + MINUTE), item
        # An hour off (before the start, after the end) finds nothing of it.
        hour = timedelta(hours=1)
        assert not _finds(caldav, collection, item.start - hour, item.start - hour + MINUTE)
        assert not _finds(caldav, collection, item.end, item.end + hour), item
    # The cancelled date is not there at all.
    with app.app_context():
        cancelled = occurrences(series.id)[2]
        cancelled_at = cancelled.series_link.recurrence_at
        db.session.rollback()
    assert not _finds(caldav, collection, cancelled_at, cancelled_at + MINUTE)


@pytest.mark.parametrize(
    "zone", ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Tokyo",
             "America/Mexico_City", "Asia/Jerusalem", "America/Nuuk"],
)  # fmt: skip
def test_the_vtimezone_gives_the_zones_offset_every_day_in_every_reader(zone, tmp_path):
    """Each zone's VTIMEZONE read by ical.js (and recurring_ical_events): a
    daily 12:30 over three years lands where zoneinfo says, every day (Mexico
    City dropped its changes in 2022, Jerusalem's rule is no weekday of a
    month, Nuuk moved its in 2023, Tokyo has none, Sydney is southern)."""
    start = datetime(2022, 1, 1, tzinfo=UTC)
    days = 3 * 365
    place = ZoneInfo(zone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//EN")
    calendar.add("version", "2.0")
    calendar.add_component(vtimezone(zone, start=start, end=start + timedelta(days=days)))
    event = icalendar.Event()
    event.add("uid", "probe")
    event.add("dtstamp", start)
    event.add("summary", "probe")
    first = datetime(2022, 1, 2, 12, 30, tzinfo=place)
    event.add("dtstart", first)
    event.add("dtend", first + timedelta(hours=1))
    event.add("rrule", {"freq": "daily", "count": days})
    calendar.add_component(event)
    seen = expand_all(calendar.to_ical(), start + timedelta(days=days + 5), tmp_path)
    assert [item.start for item in seen] == [
        datetime.combine(first.date() + timedelta(days=n), time(12, 30), tzinfo=place)
        for n in range(days)
    ]


def test_a_split_series_file_ends_at_its_until(app, make_series, tmp_path):
    """The editing part splits a series by setting the first half's until
    (and raising its sequence): its file follows from the columns alone, and
    leaves out the dates after it (the second half's file has them)."""
    series = _made(make_series, "paris-open")
    with app.app_context():
        row = db.session.get(Series, series.id)
        row.until = date(2027, 4, 30)
        row.sequence += 1
        db.session.commit()
    data = app.test_client().get(f"/series/{series.slug}.ics").get_data()
    until = datetime(2029, 1, 1, tzinfo=UTC)
    seen = expand_all(data, until, tmp_path)
    assert [item.start.astimezone(PARIS).date() for item in seen] == [
        date(2027, 3, 4), date(2027, 4, 1)
    ]  # fmt: skip
    assert b"SEQUENCE:1" in data
