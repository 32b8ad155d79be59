"""The domain's tables, one module per aggregate."""

from meetup.models.user import (
    Goal,
    GoalDirection,
    ProfileVisibility,
    User,
    UserGoal,
    UserInterest,
)

__all__ = ["Goal", "GoalDirection", "ProfileVisibility", "User", "UserGoal", "UserInterest"]
