"""The attendee directory of an event."""

from meetup.directory.views import bp

__all__ = ["bp"]
