"""The communities part of My data (services.personal_data registers each
section): a person's memberships and requests, their answers to join
questions, their admin roles, and what they did as an admin (invitations
sent, messages written). What the export says follows the app: a declined
request reads "pending" and a removal or a block is not told, as the
person sees them on the site (membership.seen_state)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from meetup.extensions import db
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityAdminInvitation,
    CommunityAnswer,
    CommunityMember,
    CommunityMessage,
    CommunityQuestion,
    User,
)
from meetup.services.communities.members import LISTING_KEYS
from meetup.services.communities.membership import seen_state


def export_memberships(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(CommunityMember, Community.name, Community.slug)
        .join(Community, Community.id == CommunityMember.community_id)
        .where(CommunityMember.user_id == user.id)
        .order_by(CommunityMember.requested_at, Community.id)
    ).all()
    found = []
    for row, name, slug in rows:
        state = seen_state(row)
        if state is None:
            continue
        found.append(
            {
                "community": name,
                "slug": slug,
                "state": state.value,
                "requested_at": row.requested_at.isoformat(),
                "joined_at": row.joined_at.isoformat() if row.joined_at else None,
                "mail": row.mail.value,
                "listing": LISTING_KEYS[row.is_listed],
            }
        )
    return found


def erase_memberships(user: User) -> None:
    db.session.execute(delete(CommunityMember).where(CommunityMember.user_id == user.id))


def export_join_answers(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Community.name, CommunityQuestion.text, CommunityAnswer.text)
        .join(CommunityQuestion, CommunityQuestion.id == CommunityAnswer.question_id)
        .join(Community, Community.id == CommunityQuestion.community_id)
        .where(CommunityAnswer.user_id == user.id)
        .order_by(Community.id, CommunityQuestion.position, CommunityQuestion.id)
    )
    return [
        {"community": name, "question": question, "answer": answer}
        for name, question, answer in rows
    ]


def erase_join_answers(user: User) -> None:
    db.session.execute(delete(CommunityAnswer).where(CommunityAnswer.user_id == user.id))


def export_admin_roles(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Community.name, Community.slug, CommunityAdmin.added_at)
        .join(CommunityAdmin, CommunityAdmin.community_id == Community.id)
        .where(CommunityAdmin.user_id == user.id)
        .order_by(CommunityAdmin.added_at, Community.id)
    )
    return [
        {"community": name, "slug": slug, "since": since.isoformat()} for name, slug, since in rows
    ]


def erase_admin_roles(user: User) -> None:
    """The roles go (the hosting of the communities' events goes with the
    person's hostings; an account that is the last admin of an open
    community is refused deletion before this runs)."""
    db.session.execute(delete(CommunityAdmin).where(CommunityAdmin.user_id == user.id))


def export_admin_invitations_sent(user: User) -> list[dict[str, Any]]:
    """Invitations to become an admin the person sent (not to whom: the
    address is the invitee's)."""
    rows = db.session.execute(
        select(Community.name, CommunityAdminInvitation.created_at)
        .join(Community, Community.id == CommunityAdminInvitation.community_id)
        .where(CommunityAdminInvitation.invited_by_id == user.id)
        .order_by(CommunityAdminInvitation.created_at, CommunityAdminInvitation.id)
    )
    return [{"community": name, "invited_at": at.isoformat()} for name, at in rows]


def erase_admin_invitations_sent(user: User) -> None:
    """The invitations stay the community's, from an admin no longer named."""
    db.session.execute(
        update(CommunityAdminInvitation)
        .where(CommunityAdminInvitation.invited_by_id == user.id)
        .values(invited_by_id=None)
    )


def export_community_messages(user: User) -> list[dict[str, Any]]:
    """The messages the person wrote to a community's members, as an admin."""
    rows = db.session.execute(
        select(Community.name, CommunityMessage.subject, CommunityMessage.body,
               CommunityMessage.sent_at)
        .join(Community, Community.id == CommunityMessage.community_id)
        .where(CommunityMessage.sender_id == user.id)
        .order_by(CommunityMessage.sent_at, CommunityMessage.id)
    )  # fmt: skip
    return [
        {"community": name, "subject": subject, "body": body, "sent_at": at.isoformat()}
        for name, subject, body, at in rows
    ]


def erase_community_messages(user: User) -> None:
    """The messages stay the community's record, from an admin no longer named."""
    db.session.execute(
        update(CommunityMessage).where(CommunityMessage.sender_id == user.id).values(sender_id=None)
    )
