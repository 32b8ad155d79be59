"""A community's events: publishing in it, moving an event into it, its
announcements and the admins' messages, one-click unsubscribe."""

from __future__ import annotations

from meetup.communities.views import bp  # noqa: F401
