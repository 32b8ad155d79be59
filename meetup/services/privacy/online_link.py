"""Who gets an online event's link: its hosts and the people going. Never
public pages, never people waitlisted, pending or gone: the event page,
calendar files and every email ask here, with the reader's reply status."""

from __future__ import annotations

from meetup.models import Event, RsvpStatus


def sees_online_link(*, reply_status: RsvpStatus | None, viewer_is_host: bool = False) -> bool:
    """Does a reader with this reply (None: none), or hosting, get the link?
    A message about a reply passes its status alone: it goes to the reply."""
    return viewer_is_host or reply_status == RsvpStatus.GOING


def online_link_for(
    event: Event, *, reply_status: RsvpStatus | None, viewer_is_host: bool = False
) -> str:
    """The online link as a page or message for this reader may carry it
    ("" if not theirs)."""
    shown = sees_online_link(reply_status=reply_status, viewer_is_host=viewer_is_host)
    return event.online_url if shown else ""
