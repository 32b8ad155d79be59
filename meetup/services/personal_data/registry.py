"""My data: everything the platform holds about a person, to take away or erase.

Each domain keeps its part (its `personal_data` module: how its rows
appear in the export and how they are erased); this registry, above every
domain, lists them. Each table holding a person's data has a PersonalData entry below: how
its rows appear in the export and how they are erased. tests/test_mydata.py
walks the models and fails when a foreign key to user_account is not covered,
so a new feature cannot forget either. The export's shape is documented in
README.md ("My data"); change EXPORT_VERSION when it changes incompatibly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from meetup.extensions import db
from meetup.models import (
    Block,
    CommunityAdmin,
    CommunityAdminInvitation,
    CommunityAnswer,
    CommunityMember,
    CommunityMessage,
    Connection,
    ConnectionRequest,
    Event,
    EventChange,
    EventHost,
    Feedback,
    Followup,
    FormerEmail,
    LoginSession,
    OutboxMessage,
    PersonAction,
    Rsvp,
    RsvpChange,
    Series,
    SeriesFollower,
    StayInTouch,
    SuggestionList,
    User,
    UserGoal,
    UserInterest,
)
from meetup.models.types import utcnow
from meetup.services.accounts import actions
from meetup.services.accounts import personal_data as account_data
from meetup.services.accounts.credentials import verify_password
from meetup.services.accounts.mentions import erase_mentions
from meetup.services.communities import personal_data as community_data
from meetup.services.communities.admins import require_not_last_admin
from meetup.services.connections import personal_data as connection_data
from meetup.services.followups import personal_data as followup_data
from meetup.services.hosting import personal_data as hosting_data
from meetup.services.outcomes.feedback import erase_feedback, export_feedback
from meetup.services.rsvps import personal_data as reply_data
from meetup.services.rsvps.export import export_replies
from meetup.services.series import personal_data as series_data
from meetup.services.suggestions import personal_data as suggestion_data

EXPORT_FORMAT = "meetup.personal-data"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class PersonalData:
    """One section of a person's data.

    `references` are the foreign keys to user_account it covers. `keeps_rows`
    says the rows stay after erasure because others own them (an event the
    person created), pointing at the emptied account; otherwise they go.
    """

    section: str
    references: tuple[InstrumentedAttribute[Any], ...]
    export: Callable[[User], Any]
    erase: Callable[[User], None]
    keeps_rows: bool = False


# Erased in reverse order: the account row last, after what points at it.
REGISTRY: tuple[PersonalData, ...] = (
    PersonalData(
        "account", (), account_data.export_account, account_data.erase_account, keeps_rows=True
    ),
    PersonalData(
        "former_emails",
        (FormerEmail.user_id,),
        account_data.export_former_emails,
        account_data.erase_former_emails,
    ),
    # Erased after every other section (which may queue mail, e.g. a hostless
    # event's cancellation), while the account still has its addresses.
    PersonalData(
        "mail", (OutboxMessage.user_id,), account_data.export_mail, account_data.erase_mail
    ),
    PersonalData(
        "profile",
        (UserInterest.user_id, UserGoal.user_id),
        account_data.export_profile,
        account_data.erase_profile,
    ),
    PersonalData("privacy", (), account_data.export_privacy, account_data.erase_nothing),
    PersonalData(
        "hosting", (EventHost.user_id,), hosting_data.export_hosting, hosting_data.erase_hosting
    ),
    # Invitations name their invitee by address, not by foreign key.
    PersonalData(
        "host_invitations",
        (),
        hosting_data.export_host_invitations,
        hosting_data.erase_host_invitations,
    ),
    PersonalData(
        "events_created",
        (Event.created_by_id,),
        hosting_data.export_events_created,
        hosting_data.erase_events_created,
        keeps_rows=True,
    ),
    PersonalData(
        "event_changes",
        (EventChange.actor_id,),
        hosting_data.export_event_changes,
        hosting_data.erase_event_changes,
        keeps_rows=True,
    ),
    PersonalData(
        "replies", (Rsvp.user_id, RsvpChange.actor_id), export_replies, reply_data.erase_replies
    ),
    PersonalData(
        "sessions",
        (LoginSession.user_id,),
        account_data.export_sessions,
        account_data.erase_sessions,
    ),
    # The answers stay in the hosts' figures, unlinked from the person and
    # unsigned (see erase_feedback): no row points at the account any more.
    PersonalData("feedback", (Feedback.user_id,), export_feedback, erase_feedback),
    PersonalData(
        "connections",
        (Connection.first_id, Connection.second_id),
        connection_data.export_connections,
        connection_data.erase_connections,
    ),
    PersonalData(
        "connection_requests",
        (ConnectionRequest.requester_id, ConnectionRequest.addressee_id),
        connection_data.export_connection_requests,
        connection_data.erase_connection_requests,
    ),
    PersonalData(
        "blocks",
        (Block.blocker_id, Block.blocked_id),
        connection_data.export_blocks,
        connection_data.erase_blocks,
    ),
    PersonalData(
        "stay_in_touch",
        (StayInTouch.ticker_id, StayInTouch.ticked_id),
        connection_data.export_ticks,
        connection_data.erase_ticks,
    ),
    PersonalData(
        "recent_actions",
        (PersonAction.actor_id,),
        actions.export_actions,
        actions.erase_actions,
    ),
    PersonalData(
        "suggestions",
        (SuggestionList.user_id,),
        suggestion_data.export_suggestions,
        suggestion_data.erase_suggestions,
    ),
    PersonalData(
        "followups",
        (Followup.user_id,),
        followup_data.export_followups,
        followup_data.erase_followups,
    ),
    PersonalData(
        "community_memberships",
        (CommunityMember.user_id,),
        community_data.export_memberships,
        community_data.erase_memberships,
    ),
    PersonalData(
        "community_join_answers",
        (CommunityAnswer.user_id,),
        community_data.export_join_answers,
        community_data.erase_join_answers,
    ),
    PersonalData(
        "community_admin_roles",
        (CommunityAdmin.user_id,),
        community_data.export_admin_roles,
        community_data.erase_admin_roles,
    ),
    # The community keeps these, unlinked from the person (see their erase).
    PersonalData(
        "community_admin_invitations_sent",
        (CommunityAdminInvitation.invited_by_id,),
        community_data.export_admin_invitations_sent,
        community_data.erase_admin_invitations_sent,
    ),
    PersonalData(
        "community_messages_sent",
        (CommunityMessage.sender_id,),
        community_data.export_community_messages,
        community_data.erase_community_messages,
    ),
    PersonalData(
        "series_created",
        (Series.created_by_id,),
        series_data.export_series_created,
        series_data.erase_series_created,
        keeps_rows=True,
    ),
    PersonalData(
        "series_followed",
        (SeriesFollower.user_id,),
        series_data.export_series_followed,
        series_data.erase_series_followed,
    ),
)


def export_user_data(user: User) -> dict[str, Any]:
    """Return everything the platform holds about `user`, JSON-ready."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow().isoformat(),
    }
    for entry in REGISTRY:
        data[entry.section] = entry.export(user)
    return data


def delete_account(user: User, *, password: str) -> None:
    """Erase the person: nothing left identifies them; what others own stays.

    :raise InvalidCredentials: `password` is not the account's password.
    :raise InvalidInput: they are the last admin of an open community.
    """
    verify_password(user, password, field="password")
    # Nobody's leaving strands a community: its last admin hands it on first.
    require_not_last_admin(user)
    # Others' mail that names the person, found through the rows erased below.
    erase_mentions(user)
    for entry in reversed(REGISTRY):
        entry.erase(user)
    db.session.flush()
