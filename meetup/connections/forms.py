"""The forms of connections. They parse; services.connections holds the rules."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from meetup.forms import GOAL_FILTER_CHOICES, Form
from meetup.models.connection import NOTE_MAX_LENGTH


class AskForm(Form):
    note = TextAreaField(
        "A note (optional)",
        render_kw={"maxlength": NOTE_MAX_LENGTH, "rows": 3},
        description="Say where you met or why you would like to stay in touch.",
    )
    event = HiddenField()  # the event whose directory the asker came from


class TickForm(Form):
    """ "I'd like to stay in touch": yes ticks, no unticks (a double submit
    of either changes nothing more)."""

    want = HiddenField(default="yes")
    page = IntegerField(widget=HiddenInput(), validators=[Optional()])  # back to it


class NetworkFilterForm(Form):
    """Search and filters of My network (GET, no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name")
    interest = StringField("Interest")
    offers = SelectField("Offers", choices=GOAL_FILTER_CHOICES, validate_choice=False)
    seeks = SelectField("Seeks", choices=GOAL_FILTER_CHOICES, validate_choice=False)
