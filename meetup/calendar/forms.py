"""The calendar settings form. It parses; services.feeds holds the rule and
the choices."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from meetup.forms import Form
from meetup.lib.timezones import describe_lead_time
from meetup.services.calendar.feeds import ALARM_CHOICES


class AlarmForm(Form):
    alarm_minutes = SelectField(
        "Remind me in my calendar",
        choices=[
            SelectChoice("", "No reminder"),
            *(
                SelectChoice(str(minutes), f"{describe_lead_time(minutes)} before")
                for minutes in ALARM_CHOICES
            ),
        ],
        validate_choice=False,
    )

    def minutes(self) -> int | None:
        """The choice as minutes; what is not a number is -1, which the
        service refuses at the field like any other value it does not offer."""
        value = self.alarm_minutes.data or ""
        if not value:
            return None
        return int(value) if value.isascii() and value.isdigit() else -1
