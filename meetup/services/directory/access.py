"""Who may open an event's list of people, and whom it shows, for a viewer
known as a User: the inputs (do they host it, are they going) read here, the
rule asked of services.privacy (event_lists), which decides it for everyone.
"""

from __future__ import annotations

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.lib.errors import LoginRequired, PermissionDenied
from meetup.models import Event, Rsvp, RsvpStatus, User
from meetup.services import privacy
from meetup.services.events.lookup import is_host


def can_see_directory(
    viewer: User | None,
    event: Event,
    *,
    viewer_is_going: bool | None = None,
    as_attendee: bool = False,
) -> bool:
    """May `viewer` open the directory (privacy.may_open_list)?
    (`viewer_is_going` saves a query when the caller knows.) `as_attendee`:
    the hosts' own right to see every reply does not count (connections
    treat hosts as ordinary attendees)."""
    host = not as_attendee and is_host(viewer, event)
    if viewer_is_going is None:
        # Read whether they go only where the answer turns on it.
        if_going = privacy.may_open_list(event, viewer_is_host=host, viewer_is_going=True)
        anyway = privacy.may_open_list(event, viewer_is_host=host, viewer_is_going=False)
        viewer_is_going = if_going and not anyway and _is_going(viewer, event)
    return privacy.may_open_list(event, viewer_is_host=host, viewer_is_going=viewer_is_going)


def _is_going(viewer: User | None, event: Event) -> bool:
    if viewer is None:
        return False
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Rsvp)
            .where(
                Rsvp.event_id == event.id,
                Rsvp.user_id == viewer.id,
                Rsvp.status == RsvpStatus.GOING,
            )
        )
        == 1
    )


def shows_person(
    viewer: User | None,
    event: Event,
    *,
    person_shown: bool,
    viewer_is_going: bool,
    as_attendee: bool = False,
) -> bool:
    """Does `event`'s directory show a person going to it to `viewer`
    (privacy.list_shows)? (`person_shown`: privacy.is_shown.) Hosts see
    everyone, unless `as_attendee` (connections: a host is an ordinary
    attendee)."""
    return privacy.list_shows(
        event,
        person_shown=person_shown,
        viewer_is_host=not as_attendee and is_host(viewer, event),
        viewer_is_going=viewer_is_going,
    )


def open_directory(viewer: User | None, event: Event) -> bool:
    """Whether `viewer` hosts `event`, once they may open its directory.

    :raise LoginRequired: the event's setting keeps anonymous visitors out.
    :raise PermissionDenied: the event's setting keeps `viewer` out.
    """
    if not can_see_directory(viewer, event):
        if viewer is None:
            raise LoginRequired("Log in to see who's coming.")
        raise PermissionDenied("The hosts keep this event's list of people to themselves.")
    return is_host(viewer, event)
