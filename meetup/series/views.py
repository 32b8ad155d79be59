"""Series pages. Each view loads, calls one service and answers; the edge
commits."""

from __future__ import annotations

from flask import Blueprint, render_template

from meetup.security import current_viewer
from meetup.services.series import lookup

bp = Blueprint("series", __name__)


@bp.route("/series/<slug>")
def page(slug: str) -> str:
    series = lookup.find_series(current_viewer(), slug)
    return render_template("series/page.html", series=series)
