"""Calendar files and feeds, and the page with one's own feed address."""

from meetup.calendar.views import bp

__all__ = ["bp"]
