"""Calendar downloads and feeds. Feeds answer conditional GETs: the ETag comes
from what the feed holds, and a match is a 304 before any iCalendar is built."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import lazyload, selectinload
from werkzeug.wrappers import Response

from meetup.calendar.forms import AlarmForm
from meetup.events.access import event_or_404
from meetup.extensions import db
from meetup.forms import refusals_shown_on
from meetup.lib import text
from meetup.lib.urls import external_url
from meetup.models import Event
from meetup.models.types import utcnow
from meetup.security import current_viewer, form_checks_csrf
from meetup.services.calendar import entries, feeds, ical
from meetup.services.communities import feeds as community_feeds
from meetup.services.events import lookup
from meetup.services.rsvps import replying
from meetup.services.series import calendar_file as series_calendar
from meetup.transactions import write_apart, writes_on_get

bp = Blueprint("calendar", __name__)

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@bp.get("/events/<slug>/calendar.ics")
def event_file(slug: str) -> Response:
    """One event, whatever the Accept header says (calendar apps send odd ones)."""
    viewer = current_viewer()
    stored = None if viewer else ical.stored_public_file(slug, now=utcnow())
    if stored is not None:
        title, calendar = stored
    else:
        # Hosts decide a signed-in viewer's rights; topics are read only to build the entry.
        event = event_or_404(slug, (selectinload if viewer else lazyload)(Event.hosts))
        rsvp = replying.find_rsvp(event, viewer) if viewer is not None else None
        entry = ical.entry_for(
            event,
            rsvp_status=rsvp.status if rsvp else None,
            is_host=lookup.is_host(viewer, event),
            alarm_minutes=viewer.calendar_alarm_minutes if viewer else None,
        )
        title, calendar = event.title, ical.event_file(entry, now=utcnow())
        _store_after(calendar)
    response = Response(calendar.body, content_type=CALENDAR_TYPE)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{text.slugify(title) or "event"}.ics"'
    )
    response.headers["Cache-Control"] = "private, no-store" if viewer else "no-cache"
    return response


@bp.get("/calendar/<token>.ics")
def personal_feed(token: str) -> Response:
    return _feed_response(feeds.personal_feed(token, now=utcnow()))


@bp.get("/calendar/events.ics")
def public_feed() -> Response:
    return _feed_response(feeds.public_feed(now=utcnow()))


@bp.get("/topics/<topic>/calendar.ics")
def topic_feed(topic: str) -> Response:
    return _feed_response(feeds.public_feed(now=utcnow(), topic=topic))


@bp.get("/people/<id:person_id>/calendar.ics")
def host_feed(person_id: int) -> Response:
    return _feed_response(feeds.public_feed(now=utcnow(), host_id=person_id))


@bp.get("/communities/<slug>/events.ics")
def community_feed(slug: str) -> Response:
    return _feed_response(community_feeds.community_feed(slug, now=utcnow()))


@bp.get("/series/<slug>.ics")
def series_file(slug: str) -> Response:
    return _feed_response(series_calendar.series_feed(current_viewer(), slug, now=utcnow()))


def _feed_response(feed: feeds.Feed) -> Response:
    cache = "private, max-age=0, must-revalidate" if feed.is_personal else "public, max-age=300"
    if request.if_none_match.contains(feed.etag):
        response = Response(status=304)  # the client's copy is current: nothing built
    else:
        calendar = feed.calendar(now=utcnow())
        _store_after(calendar)
        response = Response(calendar.body, content_type=CALENDAR_TYPE)
    if feed.to_keep is not None:
        g.calendar_feed_version = feed.to_keep
    response.set_etag(feed.etag)
    response.headers["Cache-Control"] = cache
    return response


def _store_after(calendar: ical.CalendarFile) -> None:
    if calendar.built:
        g.calendar_entries_built = calendar.built


@bp.after_request
def store_built(response: Response) -> Response:
    """Keep the entries a file had to build, and a personal feed's digest,
    once the answer is made (before meetup.edge finishes the request): in a
    transaction of their own, as the request only read. A failure costs only
    the next reader a build."""
    built = g.pop("calendar_entries_built", ())
    version = g.pop("calendar_feed_version", None)
    if (built or version) and response.status_code < 400:

        def keep() -> None:
            entries.store(built)
            if version is not None:
                feeds.keep_version(version)

        write_apart(db.session, keep, failure=f"could not keep {len(built)} calendar entries")
    return response


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
@writes_on_get  # the first visit makes the token
def settings() -> Response | str:
    """The address of one's own feed; POST makes a new one, killing the old."""
    if request.method == "POST":
        feeds.regenerate_feed_token(current_user)
        flash("Your calendar has a new address. The old one no longer works.", "success")
        return redirect(url_for("calendar.settings"), 303)
    return _settings_page(AlarmForm(alarm_minutes=str(current_user.calendar_alarm_minutes or "")))


@bp.post("/account/calendar/reminder")
@login_required
@form_checks_csrf
def reminder() -> Response | tuple[str, int]:
    form = AlarmForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            feeds.set_alarm(current_user, form.minutes())
            flash("Saved: your calendar files and invitations follow it from now on.", "success")
            return redirect(url_for("calendar.settings"), 303)
    return _settings_page(form), 422


def _settings_page(alarm_form: AlarmForm) -> str:
    token = feeds.feed_token(current_user)
    url = external_url("calendar.personal_feed", token=token)
    return render_template(
        "calendar/settings.html",
        feed_url=url,
        webcal_url="webcal://" + url.split("://", 1)[1],
        alarm_form=alarm_form,
    )
