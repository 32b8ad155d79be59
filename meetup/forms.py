"""What every form view shares: a base form, showing a domain error, answering
with the form."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, render_template
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectMultipleField, ValidationError, widgets
from wtforms.fields.choices import SelectChoice

from meetup.extensions import db
from meetup.lib.errors import DomainError, LoginRequired, NotFound, PermissionDenied
from meetup.lib.text import CONTROL_CHARACTERS
from meetup.lib.timezones import EVENT_RANGE_MESSAGE, is_in_event_range, timezone_choices
from meetup.models.user import GOAL_LABELS
from meetup.rendering import rendered_once


def strip_control_characters(value: Any) -> Any:
    """Drop characters nobody types (NUL, escapes) before any rule sees the input."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class Form(FlaskForm):
    """Base of every form: text fields arrive without control characters."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = [*unbound_field.kwargs.get("filters", ()), strip_control_characters]
            return unbound_field.bind(form=form, filters=filters, **options)

    def rendered_fields(self, template: str, macro: str, *args: Hashable) -> Markup:
        """The fields as `macro` of `template` writes them (called with a form
        like this one and `args`), for a search form of a GET page: what they
        show follows from the query's values alone, so each distinct query is
        rendered once (WTForms took a fifth of a search page to write them).
        The form is validated to show its errors, as the page's own."""
        values = tuple((name, tuple(field.raw_data or ())) for name, field in self._fields.items())
        return _fields(type(self), values, template, macro, args)


@rendered_once(maxsize=512)
def _fields(
    form_class: type[Form],
    values: tuple[tuple[str, tuple[str, ...]], ...],
    template: str,
    macro: str,
    args: tuple[Hashable, ...],
) -> Markup:
    form = form_class(MultiDict([(name, value) for name, given in values for value in given]))
    form.validate()
    return getattr(current_app.jinja_env.get_template(template).module, macro)(form, *args)


def in_event_range(form: FlaskForm, field: Field) -> None:
    """A validator: a date or time an event may have (the services' own rule,
    said at the field before they see it)."""
    if field.data is not None and not is_in_event_range(field.data):
        raise ValidationError(EVENT_RANGE_MESSAGE)


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes; the service checks the values."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        """Leave unknown values to the service, which names the field."""


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@contextmanager
def refusals_shown_on(form: FlaskForm) -> Iterator[None]:
    """Run a submitted form's service call: a refusal comes back next to its
    field (or above the form), what the call half-wrote is rolled back, and
    the code after the block renders the form again.

    NotFound and LoginRequired are not the form's business: the edge answers them.
    """
    try:
        yield
    except (NotFound, LoginRequired):
        raise
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        if isinstance(error, PermissionDenied):
            form.refusal_status = 403


def form_status(form: FlaskForm) -> int:
    """200 for a form first shown, 422 when a submission failed (403 when a
    service refused the person rather than the input)."""
    if getattr(form, "refusal_status", None):
        return form.refusal_status
    return 422 if form.is_submitted() and (form.errors or form.form_errors) else 200


def render_form(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Render a form page with the status form_status gives."""
    return render_template(template, form=form, **context), form_status(form)


# The goals a person offers or seeks, as a profile names them; a filter by
# goal (a directory's, My network's) adds "Anything" first.
GOAL_CHOICES = [SelectChoice(goal.value, label) for goal, label in GOAL_LABELS.items()]
GOAL_FILTER_CHOICES = [SelectChoice("", "Anything"), *GOAL_CHOICES]


def timezone_select_choices() -> list[SelectChoice]:
    """Zones grouped by region ("Europe", "America"...), UTC on its own first."""
    return [
        SelectChoice(
            name,
            name.split("/", 1)[-1].replace("_", " ").replace("/", " / "),
            optgroup=name.split("/", 1)[0] if "/" in name else None,
        )
        for name in timezone_choices()
    ]
