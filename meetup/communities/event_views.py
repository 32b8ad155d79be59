"""A community's mail: the admins' messages to its members, and the one-click
unsubscribe from a community's mail. (Its members-only events are refused by
services.events.lookup.find_event, and the edge shows the page that names
the community.)"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.communities.event_forms import CommunityMessageForm
from meetup.communities.views import bp
from meetup.forms import refusals_shown_on, render_form
from meetup.security import csrf_exempt, form_checks_csrf, private_page
from meetup.services.communities import lookup, messages, unsubscribe

# A community's page by its slug, for templates (the members-only page's too).


@bp.route("/communities/<slug>/messages", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def messages_page(slug: str) -> Response | tuple[str, int]:
    """The admins' messages: the form, and the messages sent before."""
    community = lookup.find_administered(current_user, slug)
    form = CommunityMessageForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            sent = messages.send_message(
                current_user, community, subject=form.subject.data or "",
                body=form.body.data or "",
            )  # fmt: skip
            flash(f"Your message is on its way to {sent} {'member' if sent == 1 else 'members'}.",
                  "success")  # fmt: skip
            return redirect(url_for("communities.messages_page", slug=slug), 303)
    page = messages.messages_page(current_user, community)
    return render_form("communities/messages.html", form, page=page)


@bp.route("/communities/unsubscribe/<token>", methods=["GET", "POST"])
@csrf_exempt  # RFC 8058: mail clients post it alone; the signed token is the proof
@private_page
def unsubscribe_page(token: str) -> tuple[str, int]:
    """A community mail's unsubscribe link: a GET asks, a POST (one click,
    no session needed) stops the community's mail. A bad link is a 400."""
    if request.method == "POST":
        link = unsubscribe.unsubscribe(token)
    else:
        link = unsubscribe.read_unsubscribe_link(token)
    page = render_template(
        "communities/unsubscribed.html", link=link, is_done=request.method == "POST"
    )
    return page, 400 if link.community is None else 200
