"""A series' followers hear of each new occurrence (`flask meetup
announce-series-occurrences`): who gets it and who does not, what it says,
once per date however often it runs (and once for a member who also follows),
its one-click unsubscribe that stops following, and the mail through a real
SMTP server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from meetup.extensions import db
from meetup.mail.compose import build_message, render_bodies
from meetup.mail.transports import SmtpTransport
from meetup.mail.worker import MailWorker
from meetup.models import (
    CommunityMail,
    Event,
    MembershipState,
    OutboxMessage,
    SeriesFollower,
    SeriesOccurrence,
    User,
)
from meetup.models.types import utcnow
from meetup.services.events.event_details import EventDetails
from meetup.services.hosting import lifecycle
from meetup.services.series import announcements
from meetup.services.series.occurrences import create_series
from tests.followups.helpers import make_person
from tests.plugins.series import schedule_of


def _announce(runner) -> str:
    result = runner.invoke(args=["meetup", "announce-series-occurrences"])
    assert result.exit_code == 0, result.output
    return result.output


def _follow(app, series, *people: User) -> None:
    with app.app_context():
        for person in people:
            db.session.add(SeriesFollower(series_id=series.id, user_id=person.id))
        db.session.commit()


def _occurrences(app, series) -> list[Event]:
    with app.app_context():
        events = db.session.scalars(
            select(Event)
            .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
            .where(SeriesOccurrence.series_id == series.id)
            .order_by(Event.starts_at)
        ).all()
        db.session.expunge_all()
        return list(events)


def _announced_to(outbox, person: User) -> list[str]:
    """The keys of the announcements `person` got, in order."""
    return [
        m.dedupe_key for m in outbox.messages(person.email) if m.template == "series_occurrence"
    ]


def test_each_follower_gets_one_announcement_of_each_new_occurrence(
    app, runner, make_user, make_series, outbox
) -> None:
    host = make_user()
    series = make_series(host=host, title="Paris UX Nights")
    followers = [make_user() for _ in range(2)]
    unverified, stranger = make_user(verified=False), make_user()
    _follow(app, series, *followers, unverified, host)
    dates = _occurrences(app, series)

    output = _announce(runner)
    assert f"{2 * len(dates)} announcement(s) queued to" in output
    for person in followers:
        assert sorted(_announced_to(outbox, person)) == sorted(
            f"community-event:{event.id}:{person.id}" for event in dates
        )
    for person in (unverified, stranger, host):  # hosts made the dates: they know
        assert _announced_to(outbox, person) == []
    with app.app_context():
        assert all(
            link.announced_at is not None for link in db.session.scalars(select(SeriesOccurrence))
        )
    assert "0 announcement(s)" in _announce(runner)  # a rerun queues nothing more


def test_a_date_made_later_is_announced_and_a_cancelled_or_past_one_is_not(
    app, runner, make_user, make_series, outbox
) -> None:
    host, follower = make_user(), make_user()
    series = make_series(host=host)
    first, *later = _occurrences(app, series)
    with app.app_context():
        # The first date already happened; the second was cancelled.
        db.session.get(Event, first.id).starts_at = utcnow() - timedelta(hours=1)
        lifecycle.cancel_event(
            db.session.get(User, host.id), db.session.get(Event, later[0].id), now=utcnow()
        )
        db.session.commit()
    _follow(app, series, follower)
    _announce(runner)
    assert sorted(_announced_to(outbox, follower)) == sorted(
        f"community-event:{event.id}:{follower.id}" for event in later[1:]
    )


def test_a_member_who_hears_of_each_event_and_follows_gets_one_mail_per_date(
    app, runner, make_user, make_series, make_community, make_member, outbox
) -> None:
    admin = make_user()
    community = make_community(admins=(admin,), name="Paris UX")
    both, member_only = make_user(), make_user()
    make_member(community, both)
    make_member(community, member_only)
    series = make_series(host=admin, community=community)
    _follow(app, series, both)
    dates = _occurrences(app, series)

    assert runner.invoke(args=["meetup", "announce-community-events"]).exit_code == 0
    _announce(runner)
    for person in (both, member_only):
        keys = [m.dedupe_key for m in outbox.messages(person.email)]
        assert sorted(keys) == sorted(f"community-event:{event.id}:{person.id}" for event in dates)


def test_a_members_only_series_is_announced_to_its_members_who_follow_it(
    app, runner, make_user, make_series, make_community, make_member, outbox
) -> None:
    admin = make_user()
    community = make_community(admins=(admin,))
    member, digest_member, left, removed = (make_user() for _ in range(4))
    make_member(community, member, mail=CommunityMail.NOTHING)
    make_member(community, digest_member, mail=CommunityMail.WEEKLY_DIGEST)
    make_member(community, removed, MembershipState.REMOVED)
    series = make_series(host=admin, community=community, visibility="members")
    _follow(app, series, member, digest_member, left, removed)
    count = len(_occurrences(app, series))

    _announce(runner)
    assert len(_announced_to(outbox, member)) == count
    assert len(_announced_to(outbox, digest_member)) == count
    assert _announced_to(outbox, left) == [] and _announced_to(outbox, removed) == []


def test_the_announcement_names_the_series_the_date_and_unsubscribes(
    app, runner, make_user, make_series, outbox
) -> None:
    series = make_series(title="Paris UX Nights", venue_name="Café Central")
    grace = make_user(email="grace@example.org")
    _follow(app, series, grace)
    _announce(runner)
    mail = outbox.last("grace@example.org")
    assert mail.subject == "Paris UX Nights: a new date"
    assert mail.calendar is None  # the invitation comes when she replies
    assert mail.context["series_url"].endswith(f"/series/{series.slug}")
    link = mail.context["unsubscribe_url"]
    assert mail.headers == {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    with app.app_context():
        text, html = render_bodies(db.session.get(OutboxMessage, mail.id))
        message = build_message(db.session.get(OutboxMessage, mail.id))
    for body in (text, html):
        assert "Paris UX Nights" in body and "Café Central" in body
        assert link.replace("&", "&amp;") in body and "Stop following it" in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def _link(app, series, person) -> str:
    with app.app_context():
        url = announcements.unsubscribe_links(series.id)(person.id)
    return url.removeprefix(app.config["BASE_URL"])


def _follows(app, series, person) -> bool:
    with app.app_context():
        return db.session.get(SeriesFollower, (series.id, person.id)) is not None


def test_unsubscribe_asks_on_get_and_stops_following_on_post(
    app, client, make_user, make_series, monkeypatch
) -> None:
    series, other = make_series(title="Paris UX Nights"), make_series()
    person = make_user()
    _follow(app, series, person)
    _follow(app, other, person)
    path = _link(app, series, person)

    page = client.get(path)
    assert page.status_code == 200 and "Stop following" in page.text
    assert "no-store" in page.headers["Cache-Control"]
    assert _follows(app, series, person)  # a GET changes nothing

    done = client.post(path)  # one click: no session, no CSRF token
    assert done.status_code == 200 and "you no longer follow Paris UX Nights" in done.text
    assert not _follows(app, series, person) and _follows(app, other, person)
    assert "You do not follow" in client.get(path).text
    assert client.post(path).status_code == 200  # again: no change, no error

    assert client.post(path[:-3] + "abc").status_code == 400
    monkeypatch.setattr(announcements, "LIFETIME", timedelta(seconds=-1))
    expired = client.post(_link(app, other, person))
    assert expired.status_code == 400 and "expired" in expired.text
    assert _follows(app, other, person)


def test_the_announcement_goes_through_a_real_smtp_server(
    app, runner, make_user, make_series, outbox, smtp_server
) -> None:
    series = make_series(title="Paris UX Nights")
    ada = make_user(email="ada@example.org")
    _follow(app, series, ada)
    _announce(runner)
    with app.app_context():
        report = MailWorker(SmtpTransport(smtp_server.url, timeout=5)).deliver_due()
    assert report.failed == 0 and report.sent >= 1
    received = [m for m in smtp_server.received if m["To"].addresses[0].addr_spec == ada.email]
    assert received and all(m["Subject"] == "Paris UX Nights: a new date" for m in received)
    assert received[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = received[0].get_body(("plain",)).get_content()
    assert "Paris UX Nights has a new date" in text


# Two runs at once, on committed data


def _committed_followers(app: Flask, followers: int) -> int:
    host = make_person(app, 0)
    people = [make_person(app, number) for number in range(1, followers + 1)]
    start = (utcnow() + timedelta(days=2)).replace(tzinfo=None, hour=19, minute=0, second=0)
    start = start.replace(microsecond=0)
    with app.app_context():
        series = create_series(
            db.session.get(User, host.id),
            EventDetails(
                title="Race nights", timezone="Europe/Paris", starts_local=start,
                ends_local=start + timedelta(hours=2), venue_name="Hall",
            ),
            schedule_of(),
        )  # fmt: skip
        for person in people:
            db.session.add(SeriesFollower(series_id=series.id, user_id=person.id))
        db.session.commit()
        return series.id


def test_runs_at_once_queue_one_announcement_per_follower_and_date(racing_app: Flask) -> None:
    followers, runs = 12, 3
    series_id = _committed_followers(racing_app, followers)
    barrier = threading.Barrier(runs)

    def run(_: int) -> int:
        queued = 0
        with racing_app.app_context():
            barrier.wait(timeout=30)
            try:
                for step in announcements.announce_occurrences(batch_size=5):
                    db.session.commit()
                    queued += step.queued
            finally:
                db.session.remove()
        return queued

    with ThreadPoolExecutor(runs) as pool:
        queued = list(pool.map(run, range(runs)))
    with racing_app.app_context():
        dates = db.session.scalar(
            select(func.count()).where(SeriesOccurrence.series_id == series_id)
        )
        assert sum(queued) == followers * dates
        per_key = db.session.execute(
            select(OutboxMessage.dedupe_key, func.count()).group_by(OutboxMessage.dedupe_key)
        ).all()
        assert len(per_key) == followers * dates and {count for _, count in per_key} == {1}
        db.session.remove()
