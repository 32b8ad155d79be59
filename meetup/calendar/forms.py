"""The calendar settings form. It parses; services.feeds holds the rule."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from meetup.forms import Form


class AlarmForm(Form):
    alarm_minutes = SelectField(
        "Remind me in my calendar",
        choices=[
            SelectChoice("", "No reminder"),
            SelectChoice("15", "15 minutes before"),
            SelectChoice("60", "1 hour before"),
            SelectChoice("1440", "1 day before"),
        ],
        validate_choice=False,
    )
