"""The follow-up job: when each person's is due (their zone, else the
event's; or a fixed delay), which events it skips, and that reruns, a run
killed halfway and the CLI each leave exactly one message per person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from meetup import outbox
from meetup.config import ConfigError
from meetup.extensions import db
from meetup.models import Event, Followup, FollowupDone, OutboxMessage
from meetup.services.followups import sending
from meetup.services.followups.due import due_at, recipient_zone
from tests.followups.helpers import ended_event, run_job, set_values


def _followups_by_person(app) -> dict[int, int]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.user_id, func.count())
            .where(OutboxMessage.dedupe_key.like("followup:%"))
            .group_by(OutboxMessage.user_id)
        ).all()
    return dict(rows)


def test_due_the_next_morning_at_nine_in_the_zone() -> None:
    # Ends at 21:30 in Paris (summer, UTC+2): due at 09:00 Paris the next day.
    end = datetime(2026, 6, 11, 19, 30, tzinfo=UTC)
    assert due_at(end, "Europe/Paris", delay=None) == datetime(2026, 6, 12, 7, 0, tzinfo=UTC)
    # The same moment is already the 12th in Tokyo: 09:00 on the 13th there.
    assert due_at(end, "Asia/Tokyo", delay=None) == datetime(2026, 6, 13, 0, 0, tzinfo=UTC)
    # ... and still the 11th in Los Angeles: 09:00 on the 12th, UTC-7.
    due_la = due_at(end, "America/Los_Angeles", delay=None)
    assert due_la == datetime(2026, 6, 12, 16, 0, tzinfo=UTC)
    # The night the clocks go back in Paris: still 09:00 local (now UTC+1).
    autumn = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)
    assert due_at(autumn, "Europe/Paris", delay=None) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    assert due_at(end, "Asia/Tokyo", delay=timedelta(hours=2)) == end + timedelta(hours=2)


def test_a_profile_left_on_utc_takes_the_events_zone() -> None:
    assert recipient_zone("UTC", "Europe/Paris") == "Europe/Paris"
    assert recipient_zone("Asia/Tokyo", "Europe/Paris") == "Asia/Tokyo"
    assert recipient_zone("Mars/Olympus_Mons", "Europe/Paris") == "Europe/Paris"


def test_each_person_is_followed_up_at_their_own_morning(app, make_user, outbox) -> None:
    host = make_user()  # time zone not set: the event's (Paris)
    tokyo = make_user()
    los_angeles = make_user()
    set_values(app, tokyo, timezone="Asia/Tokyo")
    set_values(app, los_angeles, timezone="America/Los_Angeles")
    event = ended_event(app, host, [host, tokyo, los_angeles], ended_ago=timedelta(days=1))
    end = event.ends_at
    due = {p.id: due_at(end, z, delay=None) for p, z in
           ((host, "Europe/Paris"), (tokyo, "Asia/Tokyo"),
            (los_angeles, "America/Los_Angeles"))}  # fmt: skip
    order = sorted(due, key=due.get)
    for position, person_id in enumerate(order):
        run_job(app, delay=None, now=due[person_id] - timedelta(minutes=1))
        assert len(_followups_by_person(app)) == position
        run_job(app, delay=None, now=due[person_id])
        assert person_id in _followups_by_person(app)
    with app.app_context():
        assert db.session.get(FollowupDone, event.id) is not None


def test_the_delay_setting_and_the_maximum_age(app, make_user) -> None:
    host = make_user()
    ended_event(app, host, [host], ended_ago=timedelta(minutes=90), title="Recent")
    ended_event(app, host, [host], ended_ago=timedelta(days=8), title="Old")
    assert run_job(app, delay=timedelta(hours=2)) == []  # not yet: ended 90 minutes ago
    steps = run_job(app, delay=timedelta(minutes=30))
    assert [(s.event_title, s.queued) for s in steps] == [("Recent", 1)]  # "Old" too old


def test_drafts_and_cancelled_events_get_none(app, make_user) -> None:
    host = make_user()
    event = ended_event(app, host, [host])
    with app.app_context():
        db.session.get(Event, event.id).status = "cancelled"
        db.session.commit()
    assert run_job(app) == []


def test_running_twice_queues_each_once_and_marks_the_event_done(app, make_user) -> None:
    host = make_user()
    guests = [make_user() for _ in range(4)]
    ended_event(app, host, [host, *guests])
    first = run_job(app, batch_size=2)
    assert [s.queued for s in first] == [2, 2, 1]
    assert run_job(app) == []  # the event is done: not even read
    with app.app_context():
        db.session.execute(db.delete(FollowupDone))
        db.session.commit()
    assert [s.queued for s in run_job(app)] == [0]  # everyone recorded already
    assert set(_followups_by_person(app).values()) == {1}
    assert len(_followups_by_person(app)) == 5


def test_a_run_killed_halfway_is_finished_by_the_next(app, make_user, monkeypatch) -> None:
    host = make_user()
    guests = [make_user() for _ in range(6)]
    ended_event(app, host, [host, *guests])
    real = outbox.queue_mail_bulk
    calls = []

    def dies_on_the_third_batch(mails):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("killed")
        return real(mails)

    monkeypatch.setattr(sending, "queue_mail_bulk", dies_on_the_third_batch)
    with pytest.raises(RuntimeError), app.app_context():
        for _ in sending.follow_up_due(delay=timedelta(hours=1), max_age=timedelta(days=7),
                                         batch_size=2):  # fmt: skip
            db.session.commit()
    with app.app_context():
        db.session.rollback()
    assert len(_followups_by_person(app)) == 4  # two batches committed
    monkeypatch.setattr(sending, "queue_mail_bulk", real)
    run_job(app, batch_size=2)
    counts = _followups_by_person(app)
    assert len(counts) == 7 and set(counts.values()) == {1}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Followup)) == 7


def test_the_job_reads_an_event_in_constant_queries(app, make_user, count_queries) -> None:
    def queries_for(people: int) -> int:
        host = make_user()
        ended_event(app, host, [host, *(make_user() for _ in range(people))])
        with count_queries() as counter:
            run_job(app)
        return counter.count

    assert queries_for(3) == queries_for(12)


def test_the_cli_queues_and_says_how_many(app, make_user) -> None:
    host = make_user()
    ended_event(app, host, [host, make_user()], ended_ago=timedelta(days=2))
    result = app.test_cli_runner().invoke(args=["meetup", "send-followups"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 event(s) followed up: 2 people, 2 follow-up(s) queued."
    result = app.test_cli_runner().invoke(args=["meetup", "send-followups"])
    assert result.output.strip() == "Follow-ups: nothing due."


def test_the_cli_says_nothing_due_when_events_wait_for_their_morning(app, make_user) -> None:
    """Issue 34, item 11: two events whose follow-ups go tomorrow morning
    were "2 event(s) followed up: 0 people, 0 follow-up(s) queued"."""
    host = make_user()
    ended_event(app, host, [host, make_user()], ended_ago=timedelta(minutes=5))
    ended_event(app, host, [host], ended_ago=timedelta(minutes=5), title="Second")
    result = app.test_cli_runner().invoke(args=["meetup", "send-followups"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Follow-ups: nothing due."


@pytest.mark.parametrize("value", ["2 hours", "h", "-1h", "1w"])
def test_a_bad_delay_setting_is_refused_with_its_name(make_app, value) -> None:
    with pytest.raises(ConfigError, match="MEETUP_FOLLOWUP_DELAY"):
        make_app(FOLLOWUP_DELAY=value)


def test_durations_are_read(make_app) -> None:
    app = make_app(FOLLOWUP_DELAY="30m", FOLLOWUP_MAX_AGE="2d")
    assert app.config["FOLLOWUP_DELAY"] == timedelta(minutes=30)
    assert app.config["FOLLOWUP_MAX_AGE"] == timedelta(days=2)
    assert make_app().config["FOLLOWUP_DELAY"] is None


def test_the_demo_has_a_past_event_to_follow_up(app) -> None:
    from meetup import demo

    with app.app_context():
        assert demo.seed_demo()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["meetup", "send-followups"])
    assert result.output.startswith("1 event(s) followed up: 4 people, 4 follow-up(s) queued")
