"""Profile pages, privacy settings, and my data (export and account deletion)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from meetup.downloads import private_download
from meetup.forms import refusals_shown_on, render_form
from meetup.models import Goal
from meetup.models.types import utcnow
from meetup.models.user import GOAL_LABELS
from meetup.profiles.forms import (
    INTERESTS_HINT,
    LINKS_HINT,
    DeleteAccountForm,
    PrivacyForm,
    ProfileForm,
)
from meetup.security import csrf_exempt, current_viewer, form_checks_csrf, private_page
from meetup.services import privacy
from meetup.services.accounts import profiles
from meetup.services.accounts.privacy_settings import update_privacy
from meetup.services.connections import asking
from meetup.services.directory import profile_events
from meetup.services.events import event_listing
from meetup.services.followups import unsubscribe
from meetup.services.outcomes import feedback
from meetup.services.personal_data import registry
from meetup.services.series import announcements as series_mail

bp = Blueprint("profiles", __name__)


@bp.app_template_filter("goal_label")
def goal_label(goal: Goal) -> str:
    return GOAL_LABELS[goal]


@bp.get("/people/<id:person_id>")
def detail(person_id: int) -> str | Response:
    viewer = current_viewer()
    person = profiles.get_profile(viewer, person_id)
    shown_to = privacy.profile_viewer(viewer, person)  # across a block: as to a visitor
    now = utcnow()
    upcoming_hosted, past_hosted = event_listing.hosted_events(person, viewer=None, now=now)
    return render_template(
        "profiles/detail.html",
        person=person,
        is_own=viewer is not None and viewer.id == person.id,
        shows_email=privacy.can_see_email(shown_to, person),
        events=profile_events.events_showing(shown_to, person, now=now),
        hosting=upcoming_hosted[: profile_events.PROFILE_EVENTS],
        hosted=past_hosted[: profile_events.PROFILE_EVENTS],
        relation=asking.relation(viewer, person, now=now),
        relations=asking,
    )


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def edit() -> Response | tuple[str, int]:
    form = ProfileForm.for_person(current_user)
    if form.validate_on_submit():
        with refusals_shown_on(form):
            profiles.update_profile(
                current_user,
                display_name=form.display_name.data,
                headline=form.headline.data,
                company=form.company.data,
                bio=form.bio.data,
                interests=form.interest_list(),
                links=form.link_list(),
                offers=form.offers.data,
                seeks=form.seeks.data,
                timezone=form.timezone.data,
            )
            flash("Your profile is saved.", "success")
            return redirect(url_for("profiles.detail", person_id=current_user.id), 303)
    return render_form(
        "profiles/edit.html", form, interests_hint=INTERESTS_HINT, links_hint=LINKS_HINT
    )


@bp.route("/account/privacy", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def privacy_settings() -> Response | tuple[str, int]:
    form = PrivacyForm.for_person(current_user)
    if form.validate_on_submit():
        with refusals_shown_on(form):
            update_privacy(
                current_user,
                profile_visibility=form.profile_visibility.data,
                is_listed_in_directories=form.is_listed_in_directories.data,
                is_email_shared_with_connections=form.is_email_shared_with_connections.data,
                is_followup_email_wanted=form.is_followup_email_wanted.data,
            )
            flash("Your privacy settings are saved.", "success")
            return redirect(url_for("profiles.privacy_settings"), 303)
    return render_form("profiles/privacy.html", form)


@bp.route("/unsubscribe/followups/<token>", methods=["GET", "POST"])
@csrf_exempt  # RFC 8058: mail clients post it alone; the signed token is the proof
@private_page
def unsubscribe_followups(token: str) -> tuple[str, int]:
    """A follow-up's unsubscribe link: a GET asks, a POST (one click, no
    session needed) turns follow-ups off. A bad link is a 400 saying why."""
    if request.method == "POST":
        link = unsubscribe.unsubscribe(token)
    else:
        link = unsubscribe.read_unsubscribe_link(token)
    page = render_template("profiles/unsubscribe.html", link=link, is_done=request.method == "POST")
    return page, 400 if link.person is None else 200


@bp.route("/unsubscribe/series/<token>", methods=["GET", "POST"])
@csrf_exempt  # RFC 8058: mail clients post it alone; the signed token is the proof
@private_page
def unsubscribe_series(token: str) -> tuple[str, int]:
    """A series announcement's unsubscribe link: a GET asks, a POST (one
    click, no session needed) stops following the series. A bad link is a
    400 saying why."""
    if request.method == "POST":
        link = series_mail.unsubscribe(token)
    else:
        link = series_mail.read_unsubscribe_link(token)
    is_done = request.method == "POST"
    page = render_template("profiles/unsubscribe_series.html", link=link, is_done=is_done)
    return page, 400 if link.series is None else 200


@bp.get("/account/data")
@login_required
def my_data() -> str:
    return render_template(
        "profiles/my_data.html",
        export_version=registry.EXPORT_VERSION,
        feedback=feedback.my_feedback(current_user),
    )


@bp.get("/account/data.json")
@login_required
def export_data() -> Response:
    data = registry.export_user_data(current_user)
    return private_download(
        json.dumps(data, indent=2, ensure_ascii=False),
        title="meetup data",
        suffix=f"{data['exported_at'][:10]}.json",
        mimetype="application/json",
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def delete_account() -> Response | tuple[str, int]:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            registry.delete_account(current_user, password=form.password.data)
            logout_user()
            flash("Your account and your data are deleted. Thank you for being here.", "info")
            return redirect(url_for("main.index"), 303)
    return render_form("profiles/delete_account.html", form)
