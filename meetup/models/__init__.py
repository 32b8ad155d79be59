"""The domain's tables, one module per aggregate."""

from meetup.models.event import (
    DirectoryVisibility,
    Event,
    EventHost,
    EventStatus,
    EventTopic,
    EventVisibility,
    HostRole,
)
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
    "DirectoryVisibility",
    "Event",
    "EventHost",
    "EventStatus",
    "EventTopic",
    "EventVisibility",
    "Goal",
    "GoalDirection",
    "HostRole",
    "OutboxMessage",
    "OutboxStatus",
    "ProfileVisibility",
    "User",
    "UserGoal",
    "UserInterest",
]
