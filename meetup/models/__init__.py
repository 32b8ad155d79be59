"""The domain's tables, one module per aggregate."""

from meetup.models.user import User

__all__ = ["User"]
