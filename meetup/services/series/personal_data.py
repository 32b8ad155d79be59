"""The series part of My data (services.personal_data registers each
section): the series a person made (they stay, as the events made of them
do: others reply to them), and the series they follow."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from meetup.extensions import db
from meetup.models import Series, SeriesFollower, User


def export_series_created(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Series.title, Series.slug, Series.created_at)
        .where(Series.created_by_id == user.id)
        .order_by(Series.created_at, Series.id)
    )
    return [
        {"title": title, "slug": slug, "created_at": created_at.isoformat()}
        for title, slug, created_at in rows
    ]


def erase_series_created(user: User) -> None:
    """The series stays (its occurrences have their own hosts): it forgets
    who made it."""
    db.session.execute(
        update(Series)
        .where(Series.created_by_id == user.id)
        .values(created_by_id=None)
        .execution_options(synchronize_session=False)
    )


def export_series_followed(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Series.title, Series.slug, SeriesFollower.followed_at)
        .join(SeriesFollower, SeriesFollower.series_id == Series.id)
        .where(SeriesFollower.user_id == user.id)
        .order_by(SeriesFollower.followed_at, Series.id)
    )
    return [
        {"series": title, "slug": slug, "followed_at": followed_at.isoformat()}
        for title, slug, followed_at in rows
    ]


def erase_series_followed(user: User) -> None:
    db.session.execute(delete(SeriesFollower).where(SeriesFollower.user_id == user.id))
