"""Replies: the reply form of the event page, a reply's details, the hosts'
list with their decisions, registration questions, and my events.

Each view loads what it needs for the viewer, calls one service and answers;
the edge (meetup.edge) commits and answers refusals."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.downloads import private_download
from meetup.edge import returns_to
from meetup.events.access import event_or_404, hosted_event, reply_or_404
from meetup.forms import form_status, refusals_shown_on, render_form
from meetup.models import Event, Rsvp, RsvpStatus
from meetup.models.types import utcnow
from meetup.rsvps.event_page import render_event_page
from meetup.rsvps.forms import QuestionForm, ReasonForm, ReplyFilterForm, RsvpForm
from meetup.security import form_checks_csrf
from meetup.services.events import questions
from meetup.services.hosting import attendee_csv
from meetup.services.pages import my_events as my_events_page
from meetup.services.pages.registration_questions import questions_page
from meetup.services.rsvps import decisions, read_models, replying
from meetup.services.rsvps.seat_count import count_seats

bp = Blueprint("rsvps", __name__)


def _event_url(event: Event) -> str:
    return url_for("events.detail", slug=event.slug)


# Replying


@bp.post("/events/<slug>/rsvp")
@login_required
@form_checks_csrf
def respond(slug: str) -> Response | tuple[str, int]:
    event = event_or_404(slug)
    form = RsvpForm.for_event(questions.list_questions(event), guest_limit=event.guest_limit)
    if form.validate_on_submit():
        with refusals_shown_on(form):
            rsvp = replying.respond(current_user, event, form.reply())
            flash(_confirmation(rsvp), "success")
            return redirect(_event_url(event) + "#reply", 303)
    return render_event_page(slug, rsvp_form=form, status=form_status(form))


def _confirmation(rsvp: Rsvp) -> str:
    if rsvp.status == RsvpStatus.GOING:
        return "You're going. We emailed you the details."
    if rsvp.status == RsvpStatus.WAITLISTED:
        return (
            f"The event is full: you're number {rsvp.waitlist_position} on the waitlist. "
            "We'll email you if a seat frees up."
        )
    if rsvp.status == RsvpStatus.PENDING:
        return "Your request is with the hosts. We'll email you when they decide."
    return "Your reply is saved: you can't go."


@bp.get("/events/<slug>/rsvp")
@login_required
def my_reply(slug: str) -> str:
    event = event_or_404(slug)
    details = read_models.get_reply(current_user, event)
    return render_template("rsvps/reply.html", event=event, details=details, own=True)


@bp.post("/events/<slug>/rsvp/directory")
@login_required
@returns_to("rsvps.my_events")
def directory_choice(slug: str) -> Response:
    """Show or hide oneself in this event's directory, from My events."""
    event = event_or_404(slug)
    replying.set_directory_choice(current_user, event, request.form.get("directory_choice", ""))
    flash(f"Saved: your place in the list of people for {event.title}.", "success")
    return redirect(url_for("rsvps.my_events"), 303)


@bp.get("/my/events")
@login_required
def my_events() -> str:
    mine = my_events_page.my_events(current_user, now=utcnow())
    return render_template(
        "rsvps/my_events.html",
        mine=mine,
        statuses=RsvpStatus,
        directory_choices=replying.DIRECTORY_CHOICES,
    )


# The hosts' list and decisions


@bp.get("/events/<slug>/replies")
@login_required
def replies(slug: str) -> str:
    event = hosted_event(slug)
    form = ReplyFilterForm(request.args)
    rows = read_models.list_replies(
        current_user, event, status=form.status.data or "", search=form.q.data or ""
    )
    return render_template(
        "rsvps/replies.html",
        event=event,
        rows=rows,
        form=form,
        questions=questions.list_questions(event),
        seats=count_seats(event),
    )


@bp.get("/events/<slug>/replies.csv")
@login_required
def replies_csv(slug: str) -> Response:
    event = hosted_event(slug)
    body = attendee_csv.replies_csv(current_user, event)
    return private_download(body, title=event.title, suffix="replies.csv", mimetype="text/csv")


@bp.get("/events/<slug>/replies/<id:rsvp_id>")
@login_required
def reply(slug: str, rsvp_id: int) -> str:
    event = hosted_event(slug)
    details = read_models.get_reply(current_user, event, rsvp_id)
    return render_template(
        "rsvps/reply.html", event=event, details=details, own=False, form=ReasonForm()
    )


@bp.post("/events/<slug>/replies/<id:rsvp_id>/approve")
@login_required
def approve(slug: str, rsvp_id: int) -> Response | tuple[str, int]:
    return _decide(slug, rsvp_id, "Approved: {name} is {status}.", decisions.approve)


@bp.post("/events/<slug>/replies/<id:rsvp_id>/promote")
@login_required
def promote(slug: str, rsvp_id: int) -> Response | tuple[str, int]:
    return _decide(slug, rsvp_id, "{name} is going now; we emailed them.", decisions.promote)


@bp.post("/events/<slug>/replies/<id:rsvp_id>/decline")
@login_required
def decline(slug: str, rsvp_id: int) -> Response | tuple[str, int]:
    return _decide(
        slug, rsvp_id, "{name}'s request is declined; we emailed them.", decisions.decline,
        takes_reason=True,
    )  # fmt: skip


@bp.post("/events/<slug>/replies/<id:rsvp_id>/remove")
@login_required
def remove(slug: str, rsvp_id: int) -> Response | tuple[str, int]:
    return _decide(
        slug, rsvp_id, "{name} is removed; we emailed them.", decisions.remove, takes_reason=True
    )


def _decide(
    slug: str,
    rsvp_id: int,
    message: str,
    decision: Callable[..., Rsvp],
    *,
    takes_reason: bool = False,
) -> Response | tuple[str, int]:
    """A host's decision on one reply; a bad reason comes back at its field,
    any other refusal as a message on the page the host came from."""
    event = hosted_event(slug)
    rsvp = reply_or_404(event, rsvp_id)
    form = ReasonForm()
    back = (
        url_for("rsvps.reply", slug=slug, rsvp_id=rsvp_id)
        if request.form.get("back_to") == "reply"
        else url_for("rsvps.replies", slug=slug)
    )
    with refusals_shown_on(form):
        reason = {"reason": form.reason.data or ""} if takes_reason else {}
        decision(current_user, rsvp, **reason)
        status = rsvp.status.value.replace("waitlisted", "on the waitlist")
        flash(message.format(name=rsvp.user.display_name, status=status), "success")
        return redirect(back, 303)
    if form.reason.errors:
        details = read_models.get_reply(current_user, event, rsvp_id)
        return render_template(
            "rsvps/reply.html", event=event, details=details, own=False, form=form
        ), 422
    flash(" ".join(form.form_errors), "error")
    return redirect(back, 303)


# Registration questions


@bp.route("/events/<slug>/questions", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def edit_questions(slug: str) -> Response | tuple[str, int]:
    event = hosted_event(slug)
    form = QuestionForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            questions.add_question(current_user, event, form.draft())
            flash("The question is added.", "success")
            return redirect(url_for("rsvps.edit_questions", slug=slug), 303)
    return render_form("rsvps/questions.html", form, event=event, page=questions_page(event))


@bp.route("/events/<slug>/questions/<id:question_id>", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def edit_question(slug: str, question_id: int) -> Response | tuple[str, int]:
    event = hosted_event(slug)
    question = questions.get_question(event, question_id)
    form = QuestionForm.for_question(question) if request.method == "GET" else QuestionForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            questions.update_question(current_user, event, question_id, form.draft())
            flash("The question is saved.", "success")
            return redirect(url_for("rsvps.edit_questions", slug=slug), 303)
    return render_form("rsvps/question.html", form, event=event, question=question)


@bp.post("/events/<slug>/questions/<id:question_id>/remove")
@login_required
@returns_to("rsvps.edit_questions")
def remove_question(slug: str, question_id: int) -> Response:
    event = hosted_event(slug)
    questions.remove_question(current_user, event, question_id)
    flash("The question is removed. Answers already given stay with the replies.", "info")
    return redirect(url_for("rsvps.edit_questions", slug=slug), 303)
