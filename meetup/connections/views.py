"""Connections: ask, answer, my network, blocks and vCards. Each view loads,
calls one service and answers; the edge commits and answers refusals."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.connections.forms import AskForm, NetworkFilterForm, TickForm
from meetup.downloads import private_download
from meetup.edge import returns_to
from meetup.events.access import event_or_404
from meetup.extensions import db, limiter
from meetup.forms import refusals_shown_on, render_form
from meetup.models import Event
from meetup.models.user import GOAL_LABELS
from meetup.security import action_done
from meetup.services.connections import asking, blocks, ticks, vcards
from meetup.services.connections import network as network_service

bp = Blueprint("connections", __name__)


@bp.app_context_processor
def waiting_requests() -> dict[str, object]:
    """The menu's count of requests waiting for an answer, read only when shown."""

    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        # The menu and the sub-menu both show it; meetup.login reads it with
        # the person on requests that do not write.
        if "waiting_requests" not in g:
            g.waiting_requests = network_service.waiting_count(current_user)
        return g.waiting_requests

    return {"waiting_requests": count}


def _asker_key() -> str:
    return f"connect:{current_user.id}"


@bp.route("/people/<id:person_id>/connect", methods=["GET", "POST"])
@login_required
@limiter.limit(
    f"{asking.REQUESTS_PER_DAY} per day",
    methods=["POST"],
    key_func=_asker_key,
    deduct_when=action_done,
)
def ask(person_id: int) -> Response | tuple[str, int]:
    person = asking.find_person_to_ask(current_user, person_id)
    form = AskForm(event=request.args.get("event", ""))
    if form.validate_on_submit():
        with refusals_shown_on(form):
            answer = asking.ask_to_connect(
                current_user, person.id, note=form.note.data or "", event_id=_event_id(form)
            )
            if answer == asking.CONNECTED:
                flash(f"You and {person.display_name} are connected.", "success")
            else:
                flash(f"Your request is on its way to {person.display_name}.", "success")
            return redirect(url_for("profiles.detail", person_id=person.id), 303)
    return render_form("connections/ask.html", form, person=person)


def _event_id(form: AskForm) -> int | None:
    slug = form.event.data or ""
    return db.session.scalar(db.select(Event.id).where(Event.slug == slug)) if slug else None


@bp.get("/connections")
@login_required
def network() -> str:
    form = NetworkFilterForm(request.args)
    filters = network_service.NetworkFilters(
        query=form.q.data or "", interest=(form.interest.data or "").strip(),
        offers=form.offers.data or "", seeks=form.seeks.data or "",
    )  # fmt: skip
    people = network_service.my_network(current_user, filters)
    return render_template(
        "connections/network.html", form=form, people=people, goal_labels=GOAL_LABELS
    )


@bp.get("/connections/requests")
@login_required
def requests() -> str:
    return render_template(
        "connections/requests.html", mine=network_service.my_requests(current_user)
    )


@bp.post("/connections/requests/<id:request_id>/accept")
@login_required
@returns_to("connections.requests")
def accept(request_id: int) -> Response:
    asker = asking.accept_request(current_user, request_id)
    flash(f"You and {asker.display_name} are connected.", "success")
    return redirect(url_for("connections.requests"), 303)


@bp.post("/connections/requests/<id:request_id>/ignore")
@login_required
@returns_to("connections.requests")
def ignore(request_id: int) -> Response:
    asking.ignore_request(current_user, request_id)
    flash("Ignored. Nobody is told.", "info")
    return redirect(url_for("connections.requests"), 303)


@bp.post("/connections/requests/<id:request_id>/withdraw")
@login_required
@returns_to("connections.requests")
def withdraw(request_id: int) -> Response:
    asking.withdraw_request(current_user, request_id)
    flash("Your request is withdrawn.", "info")
    return redirect(url_for("connections.requests"), 303)


@bp.post("/connections/<id:person_id>/remove")
@login_required
@returns_to("connections.network")
def remove(person_id: int) -> Response:
    asking.remove_connection(current_user, person_id)
    flash("The connection is removed. Nobody is told.", "info")
    return redirect(url_for("connections.network"), 303)


@bp.post("/people/<id:person_id>/block")
@login_required
def block(person_id: int) -> Response:
    blocks.block_person(current_user, person_id)
    flash("Blocked. You no longer see each other, and nobody is told.", "info")
    return redirect(url_for("connections.blocked"), 303)


@bp.post("/people/<id:person_id>/unblock")
@login_required
@returns_to("connections.blocked")
def unblock(person_id: int) -> Response:
    blocks.unblock_person(current_user, person_id)
    flash("Unblocked.", "info")
    return redirect(url_for("connections.blocked"), 303)


@bp.get("/connections/blocked")
@login_required
def blocked() -> str:
    return render_template("connections/blocked.html", people=blocks.blocked_by(current_user))


@bp.get("/connections/<id:person_id>.vcf")
@login_required
def vcard(person_id: int) -> Response:
    entry = network_service.connection_entry(current_user, person_id)
    return private_download(
        vcards.vcard(entry), title=entry.display_name, suffix="contact.vcf", mimetype="text/vcard"
    )


@bp.get("/connections.vcf")
@login_required
def all_vcards() -> Response:
    body = vcards.vcards(network_service.my_network(current_user))
    return private_download(
        body, title="meetup connections", suffix="contacts.vcf", mimetype="text/vcard"
    )


@bp.post("/events/<slug>/people/<id:person_id>/stay-in-touch")
@login_required
@returns_to("directory.people")
def stay_in_touch(slug: str, person_id: int) -> Response:
    """Tick or untick a person of the event's directory (seen by nobody else)."""
    event = event_or_404(slug)
    form = TickForm()
    if form.want.data == "no":
        ticks.untick(current_user, event, person_id)
    elif ticks.tick(current_user, event, person_id) == ticks.CONNECTED:
        flash("You both wanted to stay in touch: you are connected.", "success")
    page = form.page.data if form.page.data and form.page.data > 1 else None
    back = url_for("directory.people", slug=event.slug, page=page)
    return redirect(f"{back}#person-{person_id}", 303)


@bp.route("/stay-in-touch/<token>", methods=["GET", "POST"])
@login_required
def stay_in_touch_link(token: str) -> Response | str:
    """A mailed link's confirmation page: a GET only asks; the form ticks."""
    target = ticks.find_link(current_user, token)
    form = TickForm()
    if form.validate_on_submit():
        answer, person = ticks.tick_by_link(current_user, token)
        if answer == ticks.CONNECTED:
            flash(f"You and {person.display_name} both wanted to stay in touch: you are connected.",
                  "success")  # fmt: skip
        else:
            flash(f"Ticked. Only you know; if {person.display_name} ticks you too, "
                  "you will be connected.", "success")  # fmt: skip
        return redirect(url_for("connections.stay_in_touch_link", token=token), 303)
    return render_template("connections/stay_in_touch.html", target=target, form=form)
