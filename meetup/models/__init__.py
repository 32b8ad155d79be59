"""The domain's tables, one module per aggregate."""

from meetup.models.action import ActionKind, PersonAction
from meetup.models.calendar_entry import EventCalendarEntry
from meetup.models.community import (
    Community,
    CommunityAdmin,
    CommunityAdminInvitation,
    CommunityAnswer,
    CommunityEvent,
    CommunityMail,
    CommunityMember,
    CommunityMessage,
    CommunityQuestion,
    CommunityStatus,
    CommunityTopic,
    MembershipState,
)
from meetup.models.connection import (
    Block,
    Connection,
    ConnectionRequest,
    RequestStatus,
    StayInTouch,
)
from meetup.models.event import (
    DirectoryVisibility,
    Event,
    EventChange,
    EventHost,
    EventStatus,
    EventTopic,
    EventVisibility,
    FollowupSending,
    HostInvitation,
    HostRole,
)
from meetup.models.feedback import Feedback
from meetup.models.followup import Followup, FollowupDone, FollowupKind
from meetup.models.outbox import OutboxMessage, OutboxStatus
from meetup.models.question import EventQuestion, QuestionKind
from meetup.models.rsvp import (
    ACTIVE_STATUSES,
    DirectoryChoice,
    Rsvp,
    RsvpChange,
    RsvpStatus,
)
from meetup.models.series import Series, SeriesFollower, SeriesOccurrence, SeriesStatus
from meetup.models.session import LoginSession
from meetup.models.suggestion import SuggestionBuild, SuggestionList
from meetup.models.user import (
    FormerEmail,
    Goal,
    GoalDirection,
    ProfileVisibility,
    User,
    UserGoal,
    UserInterest,
)

__all__ = [
    "ACTIVE_STATUSES",
    "ActionKind",
    "Block",
    "Community",
    "CommunityAdmin",
    "CommunityAdminInvitation",
    "CommunityAnswer",
    "CommunityEvent",
    "CommunityMail",
    "CommunityMember",
    "CommunityMessage",
    "CommunityQuestion",
    "CommunityStatus",
    "CommunityTopic",
    "Connection",
    "ConnectionRequest",
    "DirectoryChoice",
    "DirectoryVisibility",
    "Event",
    "EventCalendarEntry",
    "EventChange",
    "EventHost",
    "EventQuestion",
    "EventStatus",
    "EventTopic",
    "EventVisibility",
    "Feedback",
    "Followup",
    "FollowupDone",
    "FollowupKind",
    "FollowupSending",
    "FormerEmail",
    "Goal",
    "GoalDirection",
    "HostInvitation",
    "HostRole",
    "LoginSession",
    "MembershipState",
    "OutboxMessage",
    "OutboxStatus",
    "PersonAction",
    "ProfileVisibility",
    "QuestionKind",
    "RequestStatus",
    "Rsvp",
    "RsvpChange",
    "RsvpStatus",
    "Series",
    "SeriesFollower",
    "SeriesOccurrence",
    "SeriesStatus",
    "StayInTouch",
    "SuggestionBuild",
    "SuggestionList",
    "User",
    "UserGoal",
    "UserInterest",
]
