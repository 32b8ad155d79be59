"""Domain errors: what a service refuses, and why, in words for the person."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action.

    `field` names the input at fault when there is one, so the web layer can
    show the message next to that field.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """The input breaks a rule of its own (too short, malformed...)."""


class EmailTaken(InvalidInput):
    """Another account already uses this email address."""


class InvalidCredentials(DomainError):
    """The email and password do not match an account."""


class PermissionDenied(DomainError):
    """The actor may not do this."""


class NotFound(DomainError):
    """The thing does not exist, or its existence is private to the actor."""


class LoginRequired(DomainError):
    """Logging in would let the actor do this."""


class MembersOnly(PermissionDenied):
    """The event is for the members of a community: the viewer sees that it
    exists and which community to join (or log in to) to see it."""

    def __init__(self, *, community_slug: str, community_name: str) -> None:
        super().__init__(
            f"This event is for members of {community_name}. Join the community to see it."
        )
        self.community_slug = community_slug
        self.community_name = community_name
