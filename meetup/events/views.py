"""Event pages. Each view loads the event for the viewer, calls one service and
answers; the edge (meetup.edge) commits and answers refusals."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from meetup.edge import returns_to
from meetup.events import formatting
from meetup.events.access import event_or_404, hosted_event
from meetup.events.forms import CancelForm, CohostForm, CopyForm, EventForm, ListingForm
from meetup.extensions import limiter
from meetup.forms import refusals_shown_on, render_form
from meetup.models import Event, EventHost, EventStatus
from meetup.models.types import utcnow
from meetup.routing import page_number, page_url
from meetup.rsvps.event_page import render_event_page
from meetup.security import action_done, current_viewer, form_checks_csrf, shared_page
from meetup.services.communities import events as community_events
from meetup.services.events import event_listing
from meetup.services.hosting import hosts as hosts_service
from meetup.services.hosting import lifecycle
from meetup.services.series import editing as series_editing
from meetup.services.series import lookup as series_lookup

bp = Blueprint("events", __name__)
bp.add_app_template_filter(formatting.event_when, "event_when")
bp.add_app_template_filter(formatting.local_time, "local_time")
bp.add_app_template_global(formatting.event_cards, "event_cards")


def _event_url(event: Event) -> str:
    return url_for("events.detail", slug=event.slug)


# Finding events


@bp.get("/events")
@shared_page
def index() -> str:
    return _listing(past=False)


@bp.get("/events/past")
@shared_page
def past() -> str:
    return _listing(past=True)


@bp.get("/topics/<topic>")
@shared_page
def topic(topic: str) -> str:
    return _listing(past=False, topic=topic)


def _listing(*, past: bool, topic: str = "") -> str:
    form = ListingForm(request.args)
    form.validate()  # a malformed date is ignored, and said next to its field
    filters = event_listing.EventFilters(
        query=form.q.data or "",
        topic=topic or form.topic.data or "",
        starts_from=form.starts_from.data if not form.starts_from.errors else None,
        starts_until=form.starts_until.data if not form.starts_until.errors else None,
        mode=form.mode.data or "",
        past=past,
        community=form.community.data or "",
    )
    page = event_listing.list_events(filters, page=page_number(), now=utcnow())

    return render_template(
        "events/index.html",
        form=form,
        page=page,
        filters=filters,
        past=past,
        topic=topic,
        page_url=page_url,
    )


# The event page


@bp.get("/events/<slug>")
@shared_page
def detail(slug: str) -> tuple[str, int]:
    return render_event_page(slug)


# Creating and editing


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def create() -> Response | tuple[str, int]:
    form = EventForm.for_new(
        current_user.timezone, community=request.args.get("community", "")
    ).offer_communities(_communities())
    if form.validate_on_submit():
        with refusals_shown_on(form):
            result = community_events.create_event(current_user, form.details())
            _flash_saved(result, "Your draft is saved. Publish it when it is ready.")
            return redirect(_event_url(result.event), 303)
    return render_form("events/form.html", form, event=None)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def edit(slug: str) -> Response | tuple[str, int]:
    event = hosted_event(slug)
    if event.status == EventStatus.CANCELLED:
        flash("A cancelled event cannot be edited.", "error")
        return redirect(_event_url(event))
    form = EventForm.for_event(event).offer_communities(_communities(event))
    if form.validate_on_submit():
        with refusals_shown_on(form):
            result = series_editing.update_event(
                current_user, event, form.details(), scope=form.edit_scope
            )
            _flash_saved(result, "Your changes are saved.")
            return redirect(_event_url(event), 303)
    return render_form("events/form.html", form, event=event)


def _communities(event: Event | None = None) -> list[tuple[str, str]]:
    return [
        (choice.slug, choice.name)
        for choice in community_events.community_choices(current_user, event)
    ]


def _flash_saved(result: lifecycle.SaveResult, message: str) -> None:
    flash(message, "success")
    if result.resolved_ambiguity:
        flash(
            "That local time happens twice on that day (the clocks go back); we used the "
            "first one, before the change.",
            "info",
        )


@bp.post("/events/<slug>/publish")
@login_required
@returns_to("events.detail")
def publish(slug: str) -> Response:
    event = hosted_event(slug)
    lifecycle.publish_event(current_user, event)
    flash("Your event is published.", "success")
    return redirect(_event_url(event), 303)


@bp.route("/events/<slug>/cancel", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def cancel(slug: str) -> Response | tuple[str, int]:
    event = hosted_event(slug)
    form = CancelForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            lifecycle.cancel_event(current_user, event, message=form.message.data or "")
            flash("The event is cancelled. Its page stays up and says so.", "info")
            return redirect(_event_url(event), 303)
    return render_form(
        "events/cancel.html", form, event=event, is_occurrence=event.series_link is not None
    )


@bp.post("/series/<slug>/end")
@login_required
@returns_to("series.page")
def end_series(slug: str) -> Response:
    """A host ends a series: no more dates; those made stay."""
    series = series_lookup.find_series(current_viewer(), slug)
    series_editing.end_series(current_user, series)
    flash("The series is ended: no more dates will be made. Those made stay.", "info")
    return redirect(url_for("series.page", slug=slug), 303)


@bp.post("/events/<slug>/delete")
@login_required
@returns_to("events.detail")
def delete(slug: str) -> Response:
    event = hosted_event(slug)
    lifecycle.delete_event(current_user, event)
    flash("The draft is deleted.", "info")
    return redirect(url_for("events.index"), 303)


@bp.route("/events/<slug>/copy", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def copy(slug: str) -> Response | tuple[str, int]:
    event = hosted_event(slug)
    form = CopyForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            new = community_events.copy_event(current_user, event, weeks=form.weeks.data)
            flash("Here is the next edition, as a draft. Check it, then publish it.", "success")
            return redirect(url_for("events.edit", slug=new.slug), 303)
    return render_form("events/copy.html", form, event=event)


def _inviter_key() -> str:
    return f"host-invitation:{current_user.id}"


@bp.route("/events/<slug>/hosts", methods=["GET", "POST"])
@login_required
@limiter.limit(
    f"{hosts_service.INVITATIONS_PER_HOUR} per hour",
    methods=["POST"],
    key_func=_inviter_key,
    deduct_when=action_done,
)
@form_checks_csrf
def hosts(slug: str) -> Response | tuple[str, int]:
    event = hosted_event(slug, selectinload(Event.hosts).selectinload(EventHost.user))
    form = CohostForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            hosts_service.invite_cohost(current_user, event, email=form.email.data)
            # The same words whatever the address: nobody learns who has an account.
            flash(
                f"Invitation sent to {form.email.data.strip()}. It works for "
                f"{hosts_service.INVITATION_DAYS} days; they become a co-host when they "
                "accept it.",
                "success",
            )
            return redirect(url_for("events.hosts", slug=slug), 303)
    page = hosts_service.hosts_page(current_user, event)
    return render_form("events/hosts.html", form, event=event, page=page)


@bp.post("/events/<slug>/host-invitations/<id:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int) -> Response:
    event = hosted_event(slug)
    hosts_service.revoke_host_invitation(current_user, event, invitation_id=invitation_id)
    flash("The invitation is withdrawn: its link no longer works.", "info")
    return redirect(url_for("events.hosts", slug=slug), 303)


@bp.post("/events/<slug>/hosts/<id:user_id>/remove")
@login_required
def remove_host(slug: str, user_id: int) -> Response:
    """The creator removes a co-host; a co-host removes themselves (steps down)."""
    event = event_or_404(slug)
    hosts_service.remove_cohost(current_user, event, user_id=user_id)
    if user_id == current_user.id:
        flash("You no longer co-host this event.", "info")
        return redirect(_event_url(event), 303)
    flash("The co-host is removed.", "info")
    return redirect(url_for("events.hosts", slug=slug), 303)


@bp.get("/people/<id:person_id>/events")
def hosted_by(person_id: int) -> str:
    person = event_listing.find_host(current_viewer(), person_id)
    upcoming, past_events = event_listing.hosted_events(
        person, viewer=current_viewer(), now=utcnow()
    )
    return render_template(
        "events/hosted_by.html", person=person, upcoming=upcoming, past=past_events
    )
