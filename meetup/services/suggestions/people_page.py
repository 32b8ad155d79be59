"""The directory page with its "People you should meet" section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from meetup.models import Event, User
from meetup.models.types import utcnow
from meetup.services.connections.ticks import TickingDirectory, directory_with_ticks
from meetup.services.directory.access import can_see_directory
from meetup.services.directory.attendee_list import DirectoryFilters
from meetup.services.suggestions.lists import Suggestion, suggestions_for


@dataclass(frozen=True)
class PeoplePage:
    found: TickingDirectory
    suggestions: list[Suggestion]
    # The viewer may ask the people suggested to connect (they are shown to
    # them as an attendee; asking needs a confirmed address).
    may_connect: bool


def people_page(
    viewer: User | None,
    event: Event,
    filters: DirectoryFilters,
    *,
    page: int = 1,
    now: datetime | None = None,
) -> PeoplePage:
    """A page of `event`'s directory (ticks.directory_with_ticks) and, for a
    signed-in person going, the people they should meet, on the first page of
    an unfiltered directory. Constant queries, whatever the room.

    :raise PermissionDenied, LoginRequired: see directory.visible_attendees.
    """
    now = now or utcnow()
    suggested: list[Suggestion] = []
    if (
        viewer is not None
        and page == 1
        and filters == DirectoryFilters()
        and can_see_directory(viewer, event)  # else visible_attendees refuses, below
    ):
        suggested = suggestions_for(viewer, event, now=now)
    found = directory_with_ticks(
        viewer, event, filters, page=page, now=now, also=[s.user_id for s in suggested]
    )
    return PeoplePage(
        found=found,
        suggestions=suggested,
        may_connect=viewer is not None and viewer.is_verified,
    )
