"""The attendee directory: who is coming, as each person allows."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField

from meetup.directory.formatting import card_heads, person_links
from meetup.downloads import private_download
from meetup.events.access import event_or_404
from meetup.forms import GOAL_FILTER_CHOICES, Form
from meetup.models import GoalDirection, RsvpStatus
from meetup.routing import page_number, page_url
from meetup.security import current_viewer
from meetup.services.directory import attendee_list
from meetup.services.directory.people_csv import directory_csv
from meetup.services.suggestions.people_page import people_page

bp = Blueprint("directory", __name__)


class DirectoryForm(Form):
    """Search and filters (GET, no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name, headline or company")
    interest = StringField("Interest")
    offers = SelectField("Offers", choices=GOAL_FILTER_CHOICES, validate_choice=False)
    seeks = SelectField("Seeks", choices=GOAL_FILTER_CHOICES, validate_choice=False)

    def fields_html(self) -> Markup:
        """The fields as directory/_filters.html writes them, once per distinct query."""
        return self.rendered_fields("directory/_filters.html", "filters")


@bp.get("/events/<slug>/people")
def people(slug: str) -> Response | str:
    viewer = current_viewer()
    event = event_or_404(slug)
    form = DirectoryForm(request.args)
    filters = attendee_list.DirectoryFilters(
        query=form.q.data or "", interest=form.interest.data or "",
        offers=form.offers.data or "", seeks=form.seeks.data or "",
    )  # fmt: skip
    shown = people_page(viewer, event, filters, page=page_number())
    return render_template(
        "directory/people.html",
        event=event,
        form=form,
        page=shown.found.page,
        ticks=shown.found.ticks,
        suggestions=shown.suggestions,
        may_connect=shown.may_connect,
        page_url=page_url,
        goal_directions=GoalDirection,
        card_heads=card_heads,
        person_links=person_links,
        statuses=RsvpStatus,
    )


@bp.get("/events/<slug>/people.csv")
@login_required
def people_csv(slug: str) -> Response:
    event = event_or_404(slug)
    body = directory_csv(current_user, event)
    return private_download(body, title=event.title, suffix="people.csv", mimetype="text/csv")
