"""An occurrence's previous and next occurrence, along its series and across
a split ("this and following" continues a series in another).

The neighbours are looked for among the occurrence's series, the series it
continues, and the series that continue either (a series split twice has
two continuations): the nearest scheduled start (RECURRENCE-ID) before and
after its own. Cancelled occurrences count, and say so; members-only ones
the viewer may not see do not (their address is made from their title).
The event page reads them as columns of its own statement
(`neighbour_columns`), and whether it may name the series at all
(`series_seen_column`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    Text,
    bindparam,
    cast,
    exists,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass
from sqlalchemy.sql.util import ClauseAdapter

from meetup.models import Event, EventStatus, Series, SeriesOccurrence
from meetup.services.privacy import members_event_condition


@dataclass(frozen=True)
class Neighbour:
    """Another occurrence, as the series box links to it."""

    slug: str
    starts_at: datetime  # UTC
    timezone: str
    is_cancelled: bool


def neighbour_columns(
    link: AliasedClass[SeriesOccurrence],
    series: AliasedClass[Series],
    array: Any,
    *,
    viewer_id: Any = None,
) -> tuple[ScalarSelect[str], ScalarSelect[str]]:
    """The previous and the next occurrence of the occurrence `link` of
    `series` (aliases the caller's statement joins) that the viewer may
    see, each as a JSON array (`array` is the database's JSON array
    function) or NULL: read them with `neighbour_of`. `viewer_id` is an id
    or a bound parameter; by default the statement's `viewer_id` parameter
    (the event page's, absent for a visitor)."""
    if viewer_id is None:
        viewer_id = bindparam("viewer_id", None, type_=Integer)
    return _neighbour(link, series, array, viewer_id, before=True), _neighbour(
        link, series, array, viewer_id, before=False
    )


def series_seen_column(
    series: AliasedClass[Series], *, viewer_id: Any = None
) -> ColumnElement[bool]:
    """Whether the viewer may see `series` (an alias the caller's statement
    joins), as its page's loader decides (lookup.find_series: by its
    template, the occurrence the next is copied from), as a column: the
    box of an occurrence the viewer sees names no series they may not."""
    if viewer_id is None:
        viewer_id = bindparam("viewer_id", None, type_=Integer)
    template_link = aliased(SeriesOccurrence, name="template_link")
    template = aliased(Event, name="template_event")
    template_id = (
        select(template_link.event_id)
        .where(template_link.series_id == series.id)
        .order_by(template_link.is_detached, template_link.recurrence_at.desc())
        .limit(1)
        .correlate(series)
        .scalar_subquery()
    )
    may_see = ClauseAdapter(inspect(template).selectable).traverse(
        members_event_condition(viewer_id)
    )
    return exists().where(template.id == template_id, may_see).correlate(series)


def _neighbour(
    link: AliasedClass[SeriesOccurrence],
    series: AliasedClass[Series],
    array: Any,
    viewer_id: Any,
    *,
    before: bool,
) -> ScalarSelect[str]:
    other_link = aliased(SeriesOccurrence, name="other_link")
    other_series = aliased(Series, name="other_series")
    other = aliased(Event, name="other_event")
    family = (series.id, series.continued_from_id)
    nearer = (
        other_link.recurrence_at < link.recurrence_at
        if before
        else other_link.recurrence_at > link.recurrence_at
    )
    order = other_link.recurrence_at.desc() if before else other_link.recurrence_at.asc()
    # Privacy's own rule, said of the neighbour rather than of the page's event.
    may_see = ClauseAdapter(inspect(other).selectable).traverse(members_event_condition(viewer_id))
    return (
        select(cast(array(other.slug, other.starts_at, other.timezone, other.status), Text))
        .select_from(other_link)
        .join(other, other.id == other_link.event_id)
        .join(other_series, other_series.id == other_link.series_id)
        .where(or_(other_series.id.in_(family), other_series.continued_from_id.in_(family)))
        .where(nearer, may_see)
        .order_by(order)
        .limit(1)
        .correlate(link, series)
        .scalar_subquery()
    )


def neighbour_of(text: str | None) -> Neighbour | None:
    """A `neighbour_columns` value read back (None: there is none)."""
    if text is None:
        return None
    slug, starts_at, timezone, status = json.loads(text)
    # PostgreSQL writes an ISO time with its offset, SQLite the stored UTC text.
    moment = datetime.fromisoformat(starts_at)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return Neighbour(
        slug=slug,
        starts_at=moment,
        timezone=timezone,
        is_cancelled=status == EventStatus.CANCELLED.value,
    )
