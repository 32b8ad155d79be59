"""Finding a series and its hosts' rights over it.

A series' hosts are the hosts of its template, the occurrence the next one
is copied from (so handing an occurrence's hosting on, or a community's
admins, who co-host its events, carry over); a series whose template is
members-only is seen, like that event, by its community's members alone.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from meetup.extensions import db
from meetup.lib.errors import NotFound, PermissionDenied
from meetup.models import Event, EventHost, Series, SeriesOccurrence, User
from meetup.services.events.lookup import is_visible, members_only_refusal
from meetup.services.privacy import may_see_members_event

HOSTS_ONLY = "Only the hosts of this series can do that."


def find_series(viewer: User | None, slug: str) -> Series:
    """The series at `slug`, as `viewer` may see it.

    :raise NotFound: no such series, or nothing of it `viewer` may see.
    :raise MembersOnly: its events are for a community's members only.
    """
    series = db.session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        raise NotFound("There is no such series.")
    require_visible(viewer, series)
    return series


def require_visible(viewer: User | None, series: Series) -> None:
    """The rule of who sees a series: as its template occurrence (a draft
    for its hosts alone, a members-only one for its community's members).

    :raise NotFound: nothing of it `viewer` may see.
    :raise MembersOnly: its events are for a community's members only.
    """
    template = template_of(series)
    if template is None:
        raise NotFound("There is no such series.")
    viewer_is_host = is_series_host(viewer, series)
    if not is_visible(template, viewer_is_host=viewer_is_host):
        raise NotFound("There is no such series.")
    if not may_see_members_event(viewer, template, viewer_is_host=viewer_is_host):
        raise members_only_refusal(template)


def series_of(event: Event) -> Series | None:
    """The series `event` is an occurrence of, if any."""
    link = event.series_link
    return link.series if link is not None else None


def template_of(series: Series) -> Event | None:
    """The occurrence the next one is copied from: the latest not changed
    on its own ("this occurrence"), else the latest of all."""
    return db.session.scalar(
        select(Event)
        .join(SeriesOccurrence, SeriesOccurrence.event_id == Event.id)
        .where(SeriesOccurrence.series_id == series.id)
        .order_by(SeriesOccurrence.is_detached, SeriesOccurrence.recurrence_at.desc())
        .limit(1)
    )


def is_series_host(viewer: User | None, series: Series) -> bool:
    """Does `viewer` host the series' template occurrence?"""
    if viewer is None or not viewer.is_authenticated:
        return False
    template = template_of(series)
    if template is None:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(EventHost.event_id == template.id, EventHost.user_id == viewer.id)
            )
        )
    )


def require_series_host(viewer: User | None, series: Series) -> None:
    """:raise PermissionDenied: `viewer` does not host the series."""
    if not is_series_host(viewer, series):
        raise PermissionDenied(HOSTS_ONLY)


def lock_series(series: Series) -> None:
    """Serialise the writes on `series` (filling its horizon, splitting it,
    ending it) and re-read it as committed: two jobs, or a job and a host,
    act one after the other, each on what the other left. Call it before
    changing anything of the series: the refresh undoes unflushed changes."""
    db.session.scalars(
        select(Series)
        .where(Series.id == series.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
