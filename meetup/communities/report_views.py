"""The outcomes of a community's events across its editions: its admins'
report. The view calls one service and answers; the edge answers refusals."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.communities.views import bp
from meetup.downloads import private_download
from meetup.models.types import utcnow
from meetup.services.communities import outcomes


@bp.get("/communities/<slug>/report")
@login_required
def report(slug: str) -> str:
    found = outcomes.community_report(current_user, slug, now=utcnow())
    return render_template("communities/report.html", report=found)


@bp.get("/communities/<slug>/report.csv")
@login_required
def report_csv(slug: str) -> Response:
    body = outcomes.community_report_csv(current_user, slug, now=utcnow())
    return private_download(body, title=slug, suffix="report.csv", mimetype="text/csv")
