"""Joining a community, its members' page, and the admins' members pages."""

from __future__ import annotations

from meetup.communities.views import bp  # noqa: F401
