"""Joining a community, its members' page, and the admins' members pages.
Each view loads the community, calls one service and answers; the edge
commits. The membership box (templates/communities/_membership_box.html),
which the community's page includes, reads the page's `box`."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound as NotFoundPage
from werkzeug.wrappers import Response

from meetup.communities.member_forms import (
    LISTING_LABELS,
    MAIL_LABELS,
    ChoicesForm,
    MemberSearchForm,
    join_form,
)
from meetup.communities.views import bp
from meetup.downloads import private_download
from meetup.edge import returns_to
from meetup.forms import refusals_shown_on, render_form
from meetup.models import MembershipState
from meetup.routing import page_number, page_url, url_for_each
from meetup.security import current_viewer, form_checks_csrf, safe_next_url
from meetup.services.communities import members, membership, standing
from meetup.services.communities.lookup import find_community


@bp.context_processor
def _membership_box() -> dict[str, Any]:
    return {
        "mail_labels": MAIL_LABELS,
        "listing_labels": LISTING_LABELS,
        "membership_states": MembershipState,
        "membership_state_labels": STATE_LABELS,
    }


# How the admins' page names each standing.
STATE_LABELS = {
    MembershipState.MEMBER: "Member",
    MembershipState.PENDING: "Asked to join",
    MembershipState.DECLINED: "Declined",
    MembershipState.REMOVED: "Removed",
    MembershipState.BLOCKED: "Blocked",
}


def _back(slug: str) -> str:
    """Where a form of the box goes back to: the page it was on."""
    return safe_next_url(request.form.get("next"), url_for("communities.join", slug=slug))


# Joining, leaving, one's choices


@bp.route("/communities/<slug>/join", methods=["GET", "POST"])
@form_checks_csrf
def join(slug: str) -> Response | tuple[str, int]:
    """The join box on a page of its own, with the questions of a community
    that approves its members; POST joins (or asks to)."""
    viewer = current_viewer()
    community = find_community(viewer, slug)
    box = standing.membership_box(viewer, community)
    form = join_form(box.questions)
    if form.validate_on_submit():
        with refusals_shown_on(form):
            state = membership.join(viewer, community, form.answers())
            if state == MembershipState.MEMBER:
                flash(f"Welcome to {community.name}!", "success")
            else:
                flash("Your request to join is sent: the admins will decide.", "success")
            return redirect(_back(slug), 303)
    return render_form("communities/join.html", form, community=community, box=box, box_form=form)


@bp.post("/communities/<slug>/leave")
@login_required
@returns_to("communities.join")
def leave(slug: str) -> Response:
    community = find_community(current_user, slug)
    membership.leave(current_user, community)
    flash(f"You are no longer in {community.name}.", "info")
    return redirect(_back(slug), 303)


@bp.post("/communities/<slug>/my-choices")
@login_required
@returns_to("communities.join")
def my_choices(slug: str) -> Response:
    community = find_community(current_user, slug)
    form = ChoicesForm()
    membership.update_choices(
        current_user, community, mail=form.mail.data or "", listing=form.listing.data or ""
    )
    flash("Your choices are saved.", "success")
    return redirect(_back(slug), 303)


@bp.get("/my/communities")
@login_required
def my_communities() -> str:
    mine = standing.my_communities(current_user)
    return render_template("communities/my_communities.html", mine=mine)


# The member list


@bp.get("/communities/<slug>/members")
def members_page(slug: str) -> str:
    viewer = current_viewer()
    community = find_community(viewer, slug)
    form = MemberSearchForm(request.args)
    page = members.member_list(viewer, community, query=form.q.data or "", page=page_number())
    return render_template(
        "communities/members.html", page=page, form=form, page_url=page_url,
        profile_url=url_for_each("profiles.detail", "person_id"),
    )  # fmt: skip


# The admins' members pages


@bp.get("/communities/<slug>/manage/members")
@login_required
def manage_members(slug: str) -> str:
    community = find_community(current_user, slug)
    page = members.manage_members(
        current_user, community, tab=request.args.get("tab", "members"), page=page_number()
    )
    return render_template(
        "communities/members_manage.html", page=page, page_url=page_url,
        profile_url=url_for_each("profiles.detail", "person_id"),
    )  # fmt: skip


@bp.get("/communities/<slug>/manage/members.csv")
@login_required
def members_csv(slug: str) -> Response:
    community = find_community(current_user, slug)
    body = members.members_csv(current_user, community)
    return private_download(body, title=community.name, suffix="members.csv", mimetype="text/csv")


_DECISIONS = {
    "approve": (membership.approve, "{name} is now a member."),
    "decline": (membership.decline, "The request is declined (they are not told)."),
    "remove": (membership.remove, "{name} is removed (they are not told)."),
    "block": (
        lambda actor, community, person_id: membership.remove(
            actor, community, person_id, block=True
        ),
        "{name} is removed and blocked from joining again (they are not told).",
    ),
    "unblock": (membership.unblock, "{name} may join again."),
}


@bp.post("/communities/<slug>/manage/members/<id:person_id>/<action>")
@login_required
@returns_to("communities.manage_members")
def decide(slug: str, person_id: int, action: str) -> Response:
    """An admin's decision on a person: approve, decline, remove, block, unblock."""
    if action not in _DECISIONS:
        raise NotFoundPage()
    community = find_community(current_user, slug)
    change, done = _DECISIONS[action]
    row = change(current_user, community, person_id)
    name = row.user.display_name if row is not None else "This person"
    flash(done.format(name=name), "success")
    tab = request.form.get("tab", "members")
    return redirect(url_for("communities.manage_members", slug=slug, tab=tab), 303)
