"""The hosts' tools on the night and around it: dashboard, check-in, tickets,
messages to the people coming."""

from meetup.hosting.views import bp

__all__ = ["bp"]
