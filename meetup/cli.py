"""`flask meetup ...`: commands for operators and for `make run`."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from meetup import demo
from meetup.extensions import db
from meetup.mail import delivery
from meetup.mail.transports import transport_from_config
from meetup.mail.worker import MailWorker
from meetup.models import Event
from meetup.models.types import utcnow
from meetup.services.communities import announcements as community_mail
from meetup.services.followups import sending
from meetup.services.hosting import announcements
from meetup.services.series import announcements as series_mail
from meetup.services.series import occurrences
from meetup.services.suggestions import builds
from meetup.transactions import begin_step

meetup_cli = AppGroup("meetup", help="Meetup commands.")


def on_a_terminal() -> bool:
    """Is a person watching (progress lines), or cron (one line of log)?"""
    return sys.stdout.isatty()


@meetup_cli.command("seed-demo")
def seed_demo_command() -> None:
    """Fill an empty database with demo data; do nothing if it has data."""
    begin_step(db.session)  # it reads whether there is data, then writes
    if not demo.seed_demo():
        click.echo("The database already has data; demo data not added.")
    else:
        db.session.commit()
        click.echo("Demo data added.")
    click.echo(f"Demo login: {demo.DEMO_LOGIN_EMAIL} / {demo.DEMO_PASSWORD}")


@meetup_cli.command("deliver-mail")
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
@click.option("--batch-size", default=100, show_default=True, help="Messages claimed at a time.")
def deliver_mail_command(once: bool, interval: float, batch_size: int) -> None:
    """Send queued mail. Without --once, keep polling until SIGTERM or Ctrl+C,
    finishing the message in hand before exiting."""
    stopping = _stopped_by_signals("stopping after this message")
    worker = MailWorker(
        transport_from_config(current_app.config),
        batch_size=batch_size,
        should_stop=stopping.is_set,
    )
    while True:
        report = worker.deliver_due()
        if report.sent or report.retried or report.failed:
            click.echo(f"Mail: {report}")
            for error in report.errors[-5:]:
                click.echo(f"  {error}", err=True)
        db.session.remove()
        if once or stopping.wait(interval):
            break


def _stopped_by_signals(what_then: str) -> threading.Event:
    """An event set by SIGTERM or Ctrl+C, so a loop finishes what it holds."""
    stopping = threading.Event()

    def stop(signum: int, _frame: object) -> None:
        click.echo(f"Received {signal.Signals(signum).name}; {what_then}.")
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return stopping


@meetup_cli.command("mail-status")
def mail_status_command() -> None:
    """Show the outbox: counts by status, the backlog and the latest errors."""
    now = utcnow()
    status = delivery.mail_status(now=now)
    for name, count in status.counts.items():
        click.echo(f"{name:>8}: {count}")
    click.echo(f" due now: {status.due_now}")
    if status.oldest_queued_at is not None:
        age = now - status.oldest_queued_at
        click.echo(f"oldest queued message: {int(age.total_seconds())} s old")
    if status.recent_errors:
        click.echo("latest errors:")
        for message in status.recent_errors:
            click.echo(
                f"  #{message.id} {message.status} after {message.attempts} attempt(s) "
                f"to {message.recipient}: {message.last_error}"
            )


@meetup_cli.command("send-reminders")
@click.option(
    "--hours",
    type=click.IntRange(1, 24 * 14),
    default=None,
    help="How long before the start (default: MEETUP_REMINDER_HOURS, 24).",
)
def send_reminders_command(hours: int | None) -> None:
    """Queue the reminder for everyone going to an event starting soon.

    Run it periodically (cron, every 15 minutes): each person gets each
    reminder once, however often it runs."""
    lead = timedelta(hours=hours or int(current_app.config["REMINDER_HOURS"]))
    queued = announcements.send_reminders(lead=lead, after_each=db.session.commit)
    db.session.commit()  # the list of events, when none was due
    click.echo(f"{queued} reminder(s) queued.")


@meetup_cli.command("build-suggestions")
def build_suggestions_command() -> None:
    """Score "people you should meet" for every event upcoming or ended in
    the last 30 days whose people or their fields changed since the last run.

    Run it periodically (cron, every 15 minutes): an unchanged event costs
    its few reads, and pages show the last build meanwhile."""
    verbose = on_a_terminal()

    def commit(event: Event, built: bool) -> None:
        # Read before the commit: reading the expired event after it would
        # open a transaction that the next step finds and cannot make a
        # writer (SQLite's "database is locked").
        title = event.title
        db.session.commit()  # one event, one transaction: a failure keeps the others
        if verbose and built:
            click.echo(f"  scored: {title}")

    report = builds.build_due(now=utcnow(), after_each=commit)
    click.echo(
        f"Suggestions: {report.built} of {report.events} event(s) scored again "
        f"({report.people} people); the others had not changed."
    )


@meetup_cli.command("send-followups")
def send_followups_command() -> None:
    """Queue the follow-up of every person whose follow-up is due.

    Run it periodically (cron, every 15 minutes). Each batch is committed
    as it is done: killed halfway, the next run finishes the rest, and each
    person gets one follow-up per event however often it runs."""
    config = current_app.config
    steps = sending.follow_up_due(
        delay=config["FOLLOWUP_DELAY"], max_age=config["FOLLOWUP_MAX_AGE"]
    )
    events = people = queued = this_event = 0
    on_terminal = on_a_terminal()
    try:
        for step in steps:
            db.session.commit()
            people += step.people
            queued += step.queued
            # An event counts once someone's follow-up was due in it: the
            # others were only looked at (their people's morning is to come).
            this_event += step.people
            if step.ends_event:
                events, this_event = events + bool(this_event), 0
            if on_terminal and step.people:
                click.echo(
                    f"\r{events} event(s), {people} people, {queued} follow-up(s) queued"
                    f" ({step.event_title})",
                    nl=False,
                )
    except BaseException:
        db.session.rollback()
        raise
    summary = (
        f"{events} event(s) followed up: {people} people, {queued} follow-up(s) queued."
        if people
        else "Follow-ups: nothing due."
    )
    # On a terminal, over the progress line; for cron, its one line of log.
    click.echo(f"\r{summary}" if on_terminal else summary)


@meetup_cli.command("announce-community-events")
def announce_community_events_command() -> None:
    """Queue the announcement of each community event published and not
    announced yet, to the members who chose to hear of each event.

    Run it periodically (cron, every few minutes). Each batch of members is
    committed as it is done: killed halfway, the next run finishes the rest,
    and each member gets one announcement per event however often it runs."""
    _run_steps(community_mail.announce_events(), "announcement(s)", "event(s)")


@meetup_cli.command("send-community-digests")
def send_community_digests_command() -> None:
    """Queue the weekly digest of each community's last week's new events to
    the members who chose it: once a week each, however often it runs."""
    _run_steps(community_mail.send_digests(), "digest(s)", "communities")


@meetup_cli.command("make-series-occurrences")
def make_series_occurrences_command() -> None:
    """Fill each active series' horizon: every date within 60 days, and at
    least the next three, made as published events.

    Run it periodically (cron, hourly is plenty). Each series is committed
    as it is done; a date is made once however often it runs, and two runs
    at once wait on each series' lock, the second finding the dates made."""
    made = series = 0
    try:
        for created in occurrences.fill_all():
            db.session.commit()  # one series, one transaction: a failure keeps the others
            made += len(created)
            series += bool(created)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()  # the list read, when there was no series
    click.echo(f"{made} occurrence(s) made in {series} series.")


@meetup_cli.command("announce-series-occurrences")
def announce_series_occurrences_command() -> None:
    """Queue the announcement of each new occurrence of a series to its
    followers (a member who also heard of it from the community gets it once).

    Run it periodically (cron, every few minutes), after the horizon job.
    Each batch of followers is committed as it is done: killed halfway, the
    next run finishes the rest, and each follower gets one announcement per
    occurrence however often it runs."""
    _run_steps(
        series_mail.announce_occurrences(), "announcement(s)", "occurrence(s)", who="follower(s)"
    )


def _run_steps(
    steps: Iterator[community_mail.Step], what: str, items: str, *, who: str = "member(s)"
) -> None:
    """Commit a job's steps one by one (rolled back if it stops), and say
    what it queued."""
    done = people = queued = 0
    try:
        for step in steps:
            db.session.commit()
            people += step.people
            queued += step.queued
            done += step.ends_item
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()  # the list read, when nothing was due
    click.echo(f"{queued} {what} queued to {people} {who} of {done} {items}.")


# The periodic jobs, in the order they build on each other: the suggestions
# are built before the follow-ups that show them, a series' new occurrences
# are made before the announcements that tell of them (in the same loop).
PERIODIC_JOBS = (
    "send-reminders",
    "build-suggestions",
    "send-followups",
    "make-series-occurrences",
    "announce-community-events",
    "announce-series-occurrences",
    "send-community-digests",
)


@meetup_cli.command("run-jobs")
@click.option("--once", is_flag=True, help="Run each job once, then exit.")
@click.option("--every", default=60.0, show_default=True, help="Seconds between runs.")
@click.pass_context
def run_jobs_command(ctx: click.Context, once: bool, every: float) -> None:
    """Run the periodic jobs (reminders, suggestions, follow-ups, series'
    occurrences, community and series announcements, digests) in a loop:
    what `make run` starts beside the web server and the mail worker, so the
    demo needs no cron. Production runs each command from cron instead."""
    stopping = _stopped_by_signals("stopping after this job")
    while True:
        for name in PERIODIC_JOBS:
            if stopping.is_set():
                break
            job = meetup_cli.get_command(ctx, name)
            try:
                ctx.invoke(job)  # with the job's own defaults
            except Exception:  # one failing job must not stop the others
                db.session.rollback()
                current_app.logger.exception("The periodic job %s failed.", name)
            finally:
                db.session.remove()
        if once or stopping.wait(every):
            break
