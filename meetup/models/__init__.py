"""The domain's tables, one module per aggregate."""

from meetup.models.outbox import OutboxMessage, OutboxStatus
from meetup.models.user import (
    Goal,
    GoalDirection,
    ProfileVisibility,
    User,
    UserGoal,
    UserInterest,
)

__all__ = [
    "Goal",
    "GoalDirection",
    "OutboxMessage",
    "OutboxStatus",
    "ProfileVisibility",
    "User",
    "UserGoal",
    "UserInterest",
]
