"""Series pages: making one (with its live preview), its page, following
it. Each view loads, calls one service and answers; the edge commits."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.forms import render_form
from meetup.security import current_viewer, form_checks_csrf
from meetup.series.forms import PreviewForm, SeriesForm, refusals_shown_on_series_form
from meetup.services.communities import events as community_events
from meetup.services.series import following, lookup, occurrences, preview, series_page

bp = Blueprint("series", __name__)


@bp.route("/series/new", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def create() -> Response | tuple[str, int]:
    form = SeriesForm.for_new(
        current_user.timezone, community=request.args.get("community", "")
    ).offer_communities(_communities())
    if form.is_submitted() and form.preview.data:
        # Without JavaScript: the same form again, with its next dates.
        shown = preview.preview_schedule(form.schedule, viewer_zone=current_user.timezone)
        return render_template("series/form.html", form=form, preview=shown), 200
    if form.validate_on_submit():
        with refusals_shown_on_series_form(form):
            series = occurrences.create_series(current_user, form.details(), form.schedule())
            flash("Your series is published, with its first dates.", "success")
            return redirect(url_for("series.page", slug=series.slug), 303)
    return render_form("series/form.html", form, preview=None)


@bp.get("/series/preview")
@login_required
def preview_dates() -> str:
    """The form's preview box for the values in the query (the form's
    script asks for it as the host types)."""
    form = PreviewForm(request.args)
    shown = preview.preview_schedule(form.schedule, viewer_zone=current_user.timezone)
    return render_template("series/_preview.html", preview=shown)


def _communities() -> list[tuple[str, str]]:
    return [
        (choice.slug, choice.name) for choice in community_events.community_choices(current_user)
    ]


@bp.get("/series/<slug>")
def page(slug: str) -> str:
    shown = series_page.series_page(current_viewer(), slug)
    return render_template("series/page.html", page=shown)


@bp.post("/series/<slug>/follow")
@login_required
def follow(slug: str) -> Response:
    series = lookup.find_series(current_user, slug)
    if following.follow_series(current_user, series):
        flash("You will hear of each new date of this series.", "success")
    return redirect(url_for("series.page", slug=slug), 303)


@bp.post("/series/<slug>/unfollow")
@login_required
def unfollow(slug: str) -> Response:
    if following.unfollow_series(current_user, slug):
        flash("You no longer follow this series.", "success")
    return redirect(url_for("series.page", slug=slug), 303)
