"""Replying to events, the hosts' list of replies, and my events."""

from meetup.rsvps.views import bp

__all__ = ["bp"]
