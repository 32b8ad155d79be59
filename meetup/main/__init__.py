"""Site-wide pages: the home page."""

from meetup.main.views import bp

__all__ = ["bp"]
