"""The outcomes report compares editions along a series: each occurrence is
the next edition of the one before (previous_edition_id), so an occurrence's
report shows the earlier ones that took place (not a cancelled one, nor the
ones to come), and the community's report lists each past occurrence."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Event, Series, SeriesOccurrence, User
from meetup.models.types import utcnow
from meetup.services.hosting import lifecycle
from meetup.services.rsvps import replying
from meetup.services.series.occurrences import fill_series
from tests.plugins.app import sign_in
from tests.plugins.series import schedule_of


def _past_series(app, make_series, make_user, make_community):
    """A weekly series of a community, made five weeks ago and filled by the
    job each day since; two people went to each past date and came."""
    admin = make_user()
    community = make_community(admins=(admin,))
    then = utcnow() - timedelta(days=36)
    first = (then + timedelta(days=1)).replace(tzinfo=None, hour=19, minute=0, second=0)
    series = make_series(
        host=admin,
        community=community,
        starts_local=first.replace(microsecond=0),
        now=then,
        schedule=schedule_of(frequency="weekly", nth_weekday=None, weekdays=(first.weekday(),)),
    )
    people = [make_user(), make_user()]
    with app.app_context():
        row = db.session.get(Series, series.id)
        moment = then
        while moment < utcnow():
            fill_series(row, now=moment)
            moment += timedelta(days=1)
        events = list(
            db.session.scalars(
                select(Event)
                .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
                .where(SeriesOccurrence.series_id == series.id)
                .order_by(Event.starts_at)
            )
        )
        past = [event for event in events if event.starts_at < utcnow()]
        for event in past:
            for person in people:
                replying.respond(
                    db.session.get(User, person.id),
                    event,
                    replying.Reply(True, 0, {}, None),
                    now=event.starts_at - timedelta(hours=1),
                )
        # The second date was cancelled a day ahead.
        lifecycle.cancel_event(
            db.session.get(User, admin.id), past[1], now=past[1].starts_at - timedelta(days=1)
        )
        db.session.commit()
        slugs = [event.slug for event in past], [e.slug for e in events if e not in past]
    return admin, community, slugs


def test_an_occurrences_report_compares_the_earlier_occurrences(
    app, client, make_series, make_user, make_community
) -> None:
    admin, _, (past, upcoming) = _past_series(app, make_series, make_user, make_community)
    assert len(past) >= 4 and upcoming
    sign_in(client, admin)
    text = client.get(f"/events/{past[-1]}/report").get_data(as_text=True)
    assert "Across the series" in text and "This edition" in text
    shown = [slug for slug in past[:-1] if f"/events/{slug}/report" in text]
    assert shown == [slug for slug in past[:-1] if slug != past[1]]  # not the cancelled one
    assert not any(f"/events/{slug}/report" in text for slug in upcoming)


def test_the_communitys_report_lists_each_past_occurrence(
    app, client, make_series, make_user, make_community
) -> None:
    admin, community, (past, upcoming) = _past_series(app, make_series, make_user, make_community)
    sign_in(client, admin)
    text = client.get(f"/communities/{community.slug}/report").get_data(as_text=True)
    listed = [slug for slug in past if f"/events/{slug}" in text]
    assert listed == [slug for slug in past if slug != past[1]]
    assert f"<dt>Events</dt><dd>{len(past) - 1}</dd>" in text
    assert not any(f"/events/{slug}" in text for slug in upcoming)
