"""Accounts on the web: sign up, log in, log out, credentials."""

from meetup.auth.views import bp

__all__ = ["bp"]
