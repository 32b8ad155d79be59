"""The home page: what the platform is, and what is coming up."""

from flask import Blueprint, render_template

from meetup.models.types import utcnow
from meetup.security import shared_page
from meetup.services.events.event_listing import EventFilters, list_events

bp = Blueprint("main", __name__)
HOME_EVENTS = 6


@bp.get("/")
@shared_page
def index() -> str:
    upcoming = list_events(EventFilters(), now=utcnow()).items[:HOME_EVENTS]
    return render_template("main/index.html", upcoming=upcoming)
