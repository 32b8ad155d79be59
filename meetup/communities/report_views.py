"""The outcomes of a community's events across its editions: its admins'
report. The view calls one service and answers; the edge answers refusals."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from meetup.communities.views import bp
from meetup.models.types import utcnow
from meetup.services.communities import outcomes


@bp.get("/communities/<slug>/report")
@login_required
def report(slug: str) -> str:
    found = outcomes.community_report(current_user, slug, now=utcnow())
    return render_template("communities/report.html", report=found)
