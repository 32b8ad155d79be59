"""Following a series: a follower is told of each new occurrence (the jobs
read SeriesFollower) without replying ahead.

Who may follow: whoever may see the series (its template occurrence, as
lookup.find_series decides), while it goes on. Stopping is always allowed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, LoginRequired, NotFound
from meetup.models import Series, SeriesFollower, SeriesStatus, User
from meetup.models.types import utcnow
from meetup.services.series.lookup import require_visible

ENDED = "This series has ended: there will be no new dates to hear of."


def follow_series(actor: User, series: Series, *, now: datetime | None = None) -> bool:
    """Make `actor` a follower of `series`; False when they already were.

    :raise NotFound, MembersOnly: `actor` may not see the series.
    :raise InvalidInput: the series has ended.
    """
    _require_visible(actor, series)
    if series.status != SeriesStatus.ACTIVE:
        raise InvalidInput(ENDED)
    if is_following(actor, series):
        return False
    try:
        # A second click racing the first finds the row there: nothing to do.
        with db.session.begin_nested():
            db.session.add(
                SeriesFollower(series_id=series.id, user_id=actor.id, followed_at=now or utcnow())
            )
    except IntegrityError:
        return False
    return True


def unfollow_series(actor: User, slug: str) -> bool:
    """Stop `actor` following the series at `slug`, whether or not they may
    still see it (they left its community); False when they did not follow.

    :raise NotFound: no such series.
    """
    series = db.session.scalar(select(Series).where(Series.slug == slug))
    if series is None:
        raise NotFound("There is no such series.")
    result = db.session.execute(
        delete(SeriesFollower).where(
            SeriesFollower.series_id == series.id, SeriesFollower.user_id == actor.id
        )
    )
    return bool(result.rowcount)


def is_following(viewer: User | None, series: Series) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    SeriesFollower.series_id == series.id, SeriesFollower.user_id == viewer.id
                )
            )
        )
    )


def follower_count(series: Series) -> int:
    """How many follow `series` (its hosts' figure)."""
    counted = select(func.count()).where(SeriesFollower.series_id == series.id)
    return db.session.scalar(counted) or 0


def _require_visible(actor: User, series: Series) -> None:
    if actor is None or not actor.is_authenticated:
        raise LoginRequired("Log in to follow a series.")
    require_visible(actor, series)
