"""Community pages: the public page, listing and search, settings, admins,
a person's communities. Each view loads, calls one service and answers; the
edge commits. The other views of this blueprint live beside this module
(member_views, event_views) and register on its `bp`."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.communities.forms import (
    AdminInvitationForm,
    CommunityForm,
    CommunitySearchForm,
    ConfirmForm,
)
from meetup.edge import returns_to
from meetup.extensions import limiter
from meetup.forms import refusals_shown_on, render_form
from meetup.models import Community
from meetup.models.types import utcnow
from meetup.routing import page_number, page_url
from meetup.security import action_done, current_viewer, form_checks_csrf, shared_page
from meetup.services.communities import admins, lifecycle, lookup, public_page

bp = Blueprint("communities", __name__)


def _community(slug: str) -> Community:
    return lookup.find_community(current_viewer(), slug)


def _page_url(community: Community) -> str:
    return url_for("communities.page", slug=community.slug)


# Finding communities


@bp.get("/communities")
@shared_page
def index() -> str:
    form = CommunitySearchForm(request.args)
    filters = public_page.CommunityFilters(
        query=form.q.data or "",
        city=form.city.data or "",
        online=bool(form.online.data),
        topic=form.topic.data or "",
    )
    found = public_page.list_communities(filters, page=page_number())
    return render_template(
        "communities/index.html", form=form, page=found, filters=filters, page_url=page_url
    )


@bp.get("/communities/<slug>")
@shared_page
def page(slug: str) -> str:
    community = _community(slug)
    shown = public_page.community_page(current_viewer(), community, now=utcnow())
    return render_template("communities/page.html", community=community, page=shown)


# Starting and running one


@bp.route("/communities/new", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def create() -> Response | tuple[str, int]:
    form = CommunityForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            community = lifecycle.create_community(current_user, form.details())
            flash("Your community is open. Invite people to join it, and publish events in it.",
                  "success")  # fmt: skip
            return redirect(_page_url(community), 303)
    return render_form("communities/new.html", form)


@bp.route("/communities/<slug>/settings", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def settings(slug: str) -> Response | tuple[str, int]:
    community = _community(slug)
    lookup.require_admin(current_user, community)
    form = CommunityForm.for_community(community) if request.method == "GET" else CommunityForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            lifecycle.edit_community(current_user, community, form.details())
            flash("Your changes are saved.", "success")
            return redirect(_page_url(community), 303)
    return render_form("communities/settings.html", form, community=community)


@bp.route("/communities/<slug>/close", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def close(slug: str) -> Response | tuple[str, int]:
    community = _community(slug)
    lookup.require_admin(current_user, community)
    form = ConfirmForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            lifecycle.close_community(current_user, community)
            flash("The community is closed. Its page stays up and says so.", "info")
            return redirect(_page_url(community), 303)
    return render_form("communities/close.html", form, community=community)


# Admins


def _inviter_key() -> str:
    return f"community-admin-invitation:{current_user.id}"


@bp.route("/communities/<slug>/admins", methods=["GET", "POST"])
@login_required
@limiter.limit(
    f"{admins.INVITATIONS_PER_HOUR} per hour",
    methods=["POST"],
    key_func=_inviter_key,
    deduct_when=action_done,
)
@form_checks_csrf
def admins_page(slug: str) -> Response | tuple[str, int]:
    community = _community(slug)
    form = AdminInvitationForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            admins.invite_admin(current_user, community, email=form.email.data or "")
            # The same words whatever the address: nobody learns who has an account.
            flash(
                f"Invitation sent to {(form.email.data or '').strip()}. It works for "
                f"{admins.INVITATION_DAYS} days; they become an admin when they accept it.",
                "success",
            )
            return redirect(url_for("communities.admins_page", slug=slug), 303)
    shown = admins.admins_page(current_user, community)
    return render_form("communities/admins.html", form, community=community, page=shown)


@bp.post("/communities/<slug>/admins/<id:user_id>/remove")
@login_required
@returns_to("communities.admins_page")
def remove_admin(slug: str, user_id: int) -> Response:
    """An admin removes another admin, or steps down (removes themselves)."""
    community = _community(slug)
    admins.remove_admin(current_user, community, user_id=user_id)
    if user_id == current_user.id:
        flash("You are no longer an admin of this community; you are still a member.", "info")
        return redirect(_page_url(community), 303)
    flash("The admin is removed: they no longer host the community's events.", "info")
    return redirect(url_for("communities.admins_page", slug=slug), 303)


@bp.post("/communities/<slug>/admin-invitations/<id:invitation_id>/revoke")
@login_required
def revoke_admin_invitation(slug: str, invitation_id: int) -> Response:
    community = _community(slug)
    admins.revoke_admin_invitation(current_user, community, invitation_id=invitation_id)
    flash("The invitation is withdrawn: its link no longer works.", "info")
    return redirect(url_for("communities.admins_page", slug=slug), 303)


@bp.route("/community-admin-invitations/<token>", methods=["GET", "POST"])
@login_required
def admin_invitation(token: str) -> Response | tuple[str, int]:
    """The emailed link: shows the invitation, and accepts it on POST, for the
    account with the invited address only."""
    shown = admins.admin_invitation_page(current_user, token)
    community = shown.invitation.community
    if shown.refusal is not None:
        return render_template(
            "communities/admin_invitation.html", community=community, refusal=shown.refusal
        ), 403
    if request.method == "POST":
        admins.accept_admin_invitation(current_user, token)
        flash("You are now an admin of this community, and a host of its events.", "success")
        return redirect(_page_url(community), 303)
    return render_template(
        "communities/admin_invitation.html", community=community, refusal=None
    ), 200


# The blueprint's other view modules add their routes to `bp` when imported.
from meetup.communities import event_views, member_views, report_views  # noqa: E402, F401
