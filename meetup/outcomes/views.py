"""Feedback from the people who came, and the hosts' after-event report (a
dashboard tab, and its CSV). Each view loads the event, calls one service
and answers; the edge commits and answers refusals."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.downloads import private_download
from meetup.events.access import event_or_404, hosted_event
from meetup.forms import refusals_shown_on, render_form
from meetup.lib import figures
from meetup.models.types import utcnow
from meetup.outcomes.forms import FeedbackForm
from meetup.security import form_checks_csrf
from meetup.services.outcomes import feedback
from meetup.services.pages import event_report

bp = Blueprint("outcomes", __name__)
# The report's page writes its figures as its CSV does: one rule for both.
bp.add_app_template_filter(figures.count_text, "count_text")
bp.add_app_template_filter(figures.decimal_text, "decimal_text")
bp.add_app_template_filter(figures.percent_text, "percent_text")


@bp.get("/events/<slug>/feedback")
@login_required
def feedback_form(slug: str) -> tuple[str, int]:
    event = event_or_404(slug)
    page = feedback.feedback_page(current_user, event, now=utcnow())
    if page.refusal is not None:
        return render_template("outcomes/feedback.html", event=event, page=page, form=None), 403
    form = FeedbackForm.for_answer(page.answer)
    return render_form("outcomes/feedback.html", form, event=event, page=page)


@bp.post("/events/<slug>/feedback")
@login_required
@form_checks_csrf
def give_feedback(slug: str) -> Response | tuple[str, int]:
    event = event_or_404(slug)
    form = FeedbackForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            feedback.give_feedback(current_user, event, form.answer(), now=utcnow())
            flash("Thank you: your feedback is saved. You can change it for a while.", "success")
            return redirect(url_for("rsvps.my_events"), 303)
    return render_form("outcomes/feedback.html", form, event=event, page=None)


@bp.get("/events/<slug>/report")
@login_required
def report_page(slug: str) -> str:
    event = hosted_event(slug)
    outcome = event_report.event_report(current_user, event, now=utcnow())
    return render_template("outcomes/report.html", event=event, report=outcome)


@bp.get("/events/<slug>/report.csv")
@login_required
def report_csv(slug: str) -> Response:
    event = hosted_event(slug)
    body = event_report.report_csv(current_user, event, now=utcnow())
    return private_download(body, title=event.title, suffix="report.csv", mimetype="text/csv")
