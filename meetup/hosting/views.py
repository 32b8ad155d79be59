"""The hosts' tools: dashboard, check-in (list and tickets), messages; an
invitation to co-host; and an attendee's own ticket. Each view loads the
event, calls one service and answers; the edge commits."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.edge import returns_to
from meetup.events.access import event_or_404, hosted_event, reply_or_404
from meetup.extensions import limiter
from meetup.forms import refusals_shown_on, render_form
from meetup.hosting.forms import CheckInSearchForm, FollowupForm, MessageForm
from meetup.models import RsvpStatus
from meetup.security import action_done, form_checks_csrf, framed_email
from meetup.services.followups import settings as followup_settings
from meetup.services.hosting import announcements, checkin, dashboard, hosts
from meetup.services.rsvps import read_models
from meetup.services.rsvps.seat_count import count_seats

bp = Blueprint("hosting", __name__)

# Per event, whoever of its hosts sends: attendees must not be flooded.
MESSAGES_PER_EVENT = "5 per hour"


@bp.get("/events/<slug>/dashboard")
@login_required
def dashboard_page(slug: str) -> str:
    event = hosted_event(slug)
    board = dashboard.get_dashboard(current_user, event)
    return render_template("hosting/dashboard.html", event=event, board=board)


# Check-in


@bp.get("/events/<slug>/check-in")
@login_required
def check_in(slug: str) -> str:
    event = hosted_event(slug)
    search = CheckInSearchForm(request.args).q.data or ""
    going = read_models.list_replies(
        current_user, event, status=RsvpStatus.GOING.value, search=search
    )
    return render_template(
        "hosting/check_in.html",
        event=event,
        going=going,
        search=search,
        arrived=checkin.checked_in_count(event),
        expected=count_seats(event).going,
    )


@bp.post("/events/<slug>/check-in/<id:rsvp_id>")
@login_required
@returns_to("hosting.check_in")
def check_in_person(slug: str, rsvp_id: int) -> Response:
    return _mark(slug, rsvp_id, undo=False)


@bp.post("/events/<slug>/check-in/<id:rsvp_id>/undo")
@login_required
@returns_to("hosting.check_in")
def undo_check_in(slug: str, rsvp_id: int) -> Response:
    return _mark(slug, rsvp_id, undo=True)


def _mark(slug: str, rsvp_id: int, *, undo: bool) -> Response:
    event = hosted_event(slug)
    rsvp = reply_or_404(event, rsvp_id)
    name = rsvp.user.display_name
    if undo:
        checkin.undo_check_in(current_user, rsvp)
    else:
        checkin.check_in(current_user, rsvp)
    flash(f"{name} is {'no longer ' if undo else ''}checked in.", "info" if undo else "success")
    return redirect(url_for("hosting.check_in", slug=slug, q=request.form.get("q") or None), 303)


@bp.route("/events/<slug>/check-in/ticket/<code>", methods=["GET", "POST"])
@login_required
@returns_to("hosting.check_in_by_ticket")
def check_in_by_ticket(slug: str, code: str) -> Response | str:
    """What a ticket's QR code opens: for the event's hosts only."""
    event = hosted_event(slug)
    rsvp = checkin.rsvp_for_ticket(current_user, event, code)
    if request.method == "POST":
        checkin.check_in(current_user, rsvp)
        flash(f"{rsvp.user.display_name} is checked in.", "success")
        return redirect(url_for("hosting.check_in_by_ticket", slug=slug, code=code), 303)
    return render_template(
        "hosting/ticket_scan.html", event=event, rsvp=rsvp, admitted=checkin.admits(rsvp)
    )


@bp.get("/events/<slug>/ticket")
@login_required
def ticket(slug: str) -> str:
    event = event_or_404(slug)
    mine = checkin.get_ticket(current_user, event)
    return render_template("hosting/ticket.html", event=event, ticket=mine)


# Invitations to co-host


@bp.route("/host-invitations/<token>", methods=["GET", "POST"])
@login_required
def host_invitation(token: str) -> Response | tuple[str, int]:
    """The emailed link: shows the invitation, and accepts it on POST, for the
    account with the invited address only."""
    page = hosts.host_invitation_page(current_user, token)
    event = page.invitation.event
    if page.refusal is not None:
        status = 409 if page.is_closed else 403
        return render_template("hosting/invitation.html", event=event, refusal=page.refusal), status
    if request.method == "POST":
        hosts.accept_host_invitation(current_user, token)
        flash("You now co-host this event. Welcome aboard!", "success")
        return redirect(url_for("events.detail", slug=event.slug), 303)
    return render_template("hosting/invitation.html", event=event, refusal=None), 200


# Messages


def _event_key() -> str:
    return f"event-message:{(request.view_args or {}).get('slug', '')}"


@bp.route("/events/<slug>/message", methods=["GET", "POST"])
@login_required
@limiter.limit(
    MESSAGES_PER_EVENT,
    methods=["POST"],
    key_func=_event_key,
    deduct_when=action_done,
)
@form_checks_csrf
def message(slug: str) -> Response | tuple[str, int]:
    event = hosted_event(slug)
    form = MessageForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            sent = announcements.message_attendees(
                current_user, event, audience=form.audience.data or "",
                subject=form.subject.data or "", body=form.body.data or "",
            )  # fmt: skip
            flash(f"Your message is on its way to {sent} {'person' if sent == 1 else 'people'}.",
                  "success")  # fmt: skip
            return redirect(url_for("hosting.message", slug=slug), 303)
    seats = count_seats(event)
    return render_form("hosting/message.html", form, event=event, seats=seats,
                       limit=MESSAGES_PER_EVENT)  # fmt: skip


# The follow-up


@bp.route("/events/<slug>/follow-up", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def followup(slug: str) -> Response | tuple[str, int]:
    event = hosted_event(slug)
    current = followup_settings.followup_settings(current_user, event)
    form = FollowupForm(data={"message": current.message, "sending": current.sending.value})
    if form.validate_on_submit():
        with refusals_shown_on(form):
            changes = followup_settings.update_followup(
                current_user, event, message=form.message.data or "",
                sending=form.sending.data or "",
                max_age=current_app.config["FOLLOWUP_MAX_AGE"],
            )  # fmt: skip
            flash("Follow-up saved." if changes else "Nothing to change.", "success")
            return redirect(url_for("hosting.followup", slug=slug), 303)
    return render_form("hosting/followup.html", form, event=event, settings=current)


@bp.get("/events/<slug>/follow-up/preview")
@login_required
def followup_preview(slug: str) -> str:
    event = hosted_event(slug)
    preview = followup_settings.preview_followup(current_user, event)
    text = render_template("emails/followup.txt", **preview.context)
    return render_template("hosting/followup_preview.html", event=event, preview=preview,
                           text=text)  # fmt: skip


@bp.get("/events/<slug>/follow-up/preview/email")
@login_required
def followup_preview_email(slug: str) -> Response:
    """The preview's HTML part, as the email itself (its inline styles), for
    the preview page's frame."""
    event = hosted_event(slug)
    preview = followup_settings.preview_followup(current_user, event)
    html = render_template("emails/followup.html", subject=preview.subject, **preview.context)
    return framed_email(html)
