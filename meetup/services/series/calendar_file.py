"""A series' calendar file (issue 37): built by the calendar part of the
work; until then there is none."""

from __future__ import annotations

from datetime import datetime

from meetup.lib.errors import NotFound
from meetup.models import User
from meetup.services.calendar.feeds import Feed


def series_feed(viewer: User | None, slug: str, *, now: datetime) -> Feed:
    """The series' .ics, with its ETag.

    :raise NotFound: no such series, or not for `viewer`.
    """
    raise NotFound("There is no calendar file for this series yet.")
