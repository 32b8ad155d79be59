"""The admins' messages to a community's members (as the hosts' messages to
an event's people, services.hosting.announcements): at most twice in any
seven days per community, to every member who did not choose "nothing",
each copy naming the admin who wrote it and the community, with the
community's one-click unsubscribe.

The limit counts the community's CommunityMessage rows of the last seven
days, under a lock on the community's row: two admins sending at once are
counted one after the other, never both as the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.lib.markdown import markdown_to_text, render_markdown
from meetup.lib.text import clean_text
from meetup.lib.timezones import describe_moment
from meetup.models import (
    Community,
    CommunityMail,
    CommunityMember,
    CommunityMessage,
    MembershipState,
    User,
)
from meetup.models.community import (
    COMMUNITY_MESSAGE_BODY_MAX_LENGTH,
    COMMUNITY_MESSAGE_SUBJECT_MAX_LENGTH,
)
from meetup.models.types import utcnow
from meetup.outbox import queue_mail_bulk
from meetup.services.communities.announcements import CommunitySender, members_to_mail
from meetup.services.communities.lifecycle import shown_line
from meetup.services.communities.lookup import lock_community, require_admin

MESSAGES_PER_WINDOW = 2
WINDOW = timedelta(days=7)
# Who gets an admin's message: every member but those who chose nothing.
RECEIVING = (CommunityMail.EACH_EVENT, CommunityMail.WEEKLY_DIGEST)


@dataclass(frozen=True)
class PastMessage:
    subject: str
    body: str
    sender_name: str  # "A former admin" once their account is gone
    sent_at: datetime


@dataclass(frozen=True)
class MessagesPage:
    """The admins' messages page: what was sent, and whether one may be now."""

    community: Community
    recipients: int  # members who would get a message now
    past: list[PastMessage]
    next_possible_at: datetime | None  # None: one may be sent now
    limit: int = MESSAGES_PER_WINDOW

    @property
    def can_send(self) -> bool:
        return self.next_possible_at is None


def messages_page(
    actor: User, community: Community, *, now: datetime | None = None
) -> MessagesPage:
    """The page of the community's messages, for an admin.

    :raise PermissionDenied: `actor` is not one of its admins.
    """
    require_admin(actor, community)
    now = now or utcnow()
    rows = db.session.execute(
        select(CommunityMessage, User.display_name)
        .outerjoin(User, User.id == CommunityMessage.sender_id)
        .where(CommunityMessage.community_id == community.id)
        .order_by(CommunityMessage.sent_at.desc(), CommunityMessage.id.desc())
        .limit(50)
    ).all()
    past = [
        PastMessage(message.subject, message.body, name or "A former admin", message.sent_at)
        for message, name in rows
    ]
    return MessagesPage(
        community,
        recipients=_recipient_count(community.id),
        past=past,
        next_possible_at=_next_possible_at(community.id, now=now),
    )


def send_message(
    actor: User, community: Community, *, subject: str, body: str, now: datetime | None = None
) -> int:
    """Queue an admin's message to every member who did not choose "nothing".

    :return: how many members it goes to.
    :raise PermissionDenied: `actor` is not one of its admins.
    :raise InvalidInput: a bad field, the week's limit reached (saying when
        the next is possible), or nobody to send it to.
    """
    require_admin(actor, community)
    subject = shown_line(subject, field="subject", max_length=COMMUNITY_MESSAGE_SUBJECT_MAX_LENGTH)
    if not subject:
        raise InvalidInput("Give the message a subject.", field="subject")
    body = clean_text(body, field="body", max_length=COMMUNITY_MESSAGE_BODY_MAX_LENGTH)
    if not body:
        raise InvalidInput("Write the message.", field="body")
    now = now or utcnow()
    lock_community(community)
    next_at = _next_possible_at(community.id, now=now)
    if next_at is not None:
        raise InvalidInput(
            f"A community may send its members {MESSAGES_PER_WINDOW} messages in any seven "
            f"days. The next one is possible from {describe_moment(next_at, actor.timezone)}."
        )
    message = CommunityMessage(
        community_id=community.id, sender_id=actor.id, subject=subject, body=body, sent_at=now
    )
    db.session.add(message)
    db.session.flush()
    sender = CommunitySender.of(community)
    context = {
        "admin_name": actor.display_name,
        "message_subject": subject,
        "body_text": markdown_to_text(body),
        "body_html": render_markdown(body),
    }
    queued = 0
    for batch in members_to_mail(community.id, RECEIVING):
        queued += queue_mail_bulk(
            sender.mail(
                person,
                subject=f"{community.name}: {subject}",
                template="community_message",
                dedupe_key=f"community-message:{message.id}:{person.id}",
                context=context,
            )
            for person in batch
        )
    if not queued:
        raise InvalidInput("No member receives the community's mail yet.")
    return queued


def _next_possible_at(community_id: int, *, now: datetime) -> datetime | None:
    """When the next message may go (None: now): once the oldest of the
    window's messages is seven days old."""
    recent = db.session.scalars(
        select(CommunityMessage.sent_at)
        .where(
            CommunityMessage.community_id == community_id, CommunityMessage.sent_at > now - WINDOW
        )
        .order_by(CommunityMessage.sent_at.desc())
        .limit(MESSAGES_PER_WINDOW)
    ).all()
    if len(recent) < MESSAGES_PER_WINDOW:
        return None
    return recent[-1] + WINDOW


def _recipient_count(community_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(CommunityMember)
        .join(User, User.id == CommunityMember.user_id)
        .where(
            CommunityMember.community_id == community_id,
            CommunityMember.state == MembershipState.MEMBER,
            CommunityMember.mail.in_(RECEIVING),
            User.email_verified_at.is_not(None),
            User.deleted_at.is_(None),
        )
    ) or 0  # fmt: skip
