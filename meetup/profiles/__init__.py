"""Profiles on the web: a page per person, editing one's own, privacy, my data."""

from meetup.profiles.views import bp

__all__ = ["bp"]
