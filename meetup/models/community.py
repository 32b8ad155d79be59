"""Communities: the people who meet again, between events.

A community has admins, all equal (no owner, so nobody's account deletion
strands it), members with a state and a mail choice, and events (Event.community_id).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from meetup.extensions import db
from meetup.models.event import Event
from meetup.models.types import UTCDateTime, enum_column, utcnow
from meetup.models.user import EMAIL_MAX_LENGTH, User

COMMUNITY_NAME_MAX_LENGTH = 100
COMMUNITY_DESCRIPTION_MAX_LENGTH = 5000
COMMUNITY_CITY_MAX_LENGTH = 100
JOIN_QUESTION_MAX_LENGTH = 300
JOIN_ANSWER_MAX_LENGTH = 1000
MAX_JOIN_QUESTIONS = 3
COMMUNITY_MESSAGE_SUBJECT_MAX_LENGTH = 200
COMMUNITY_MESSAGE_BODY_MAX_LENGTH = 10_000


class CommunityStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # by its admins: its page stays, nobody joins, no new events


class MembershipState(enum.StrEnum):
    """Where a person stands with a community. Leaving deletes the row."""

    MEMBER = "member"
    PENDING = "pending"  # asked to join a community that approves its members
    DECLINED = "declined"  # an admin declined the request (silently: they see it pending)
    REMOVED = "removed"  # an admin removed them (silently); they may join again
    BLOCKED = "blocked"  # removed and may not join again (silently)


class CommunityMail(enum.StrEnum):
    """What a member hears of the community's new events."""

    EACH_EVENT = "each_event"
    WEEKLY_DIGEST = "weekly_digest"
    NOTHING = "nothing"


class Community(db.Model):
    __tablename__ = "community"
    __table_args__ = (
        # Search is LIKE '%word%' on search_text, as for events.
        Index(
            "ix_community_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(COMMUNITY_NAME_MAX_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown source
    description_html: Mapped[str] = mapped_column(Text, default="")  # rendered, sanitised
    # The home city; empty for a community that meets online.
    city: Mapped[str] = mapped_column(String(COMMUNITY_CITY_MAX_LENGTH), default="")
    is_approval_required: Mapped[bool] = mapped_column(server_default=false())
    status: Mapped[CommunityStatus] = mapped_column(
        enum_column(CommunityStatus, 16), default=CommunityStatus.OPEN
    )
    # Casefolded name, description, topics and city: what search matches.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    admins: Mapped[list[CommunityAdmin]] = relationship(
        back_populates="community",
        cascade="all, delete-orphan",
        order_by="CommunityAdmin.added_at",
    )
    topics: Mapped[list[CommunityTopic]] = relationship(
        cascade="all, delete-orphan", order_by="CommunityTopic.name"
    )
    questions: Mapped[list[CommunityQuestion]] = relationship(
        cascade="all, delete-orphan", order_by="CommunityQuestion.position"
    )

    @property
    def is_online(self) -> bool:
        return not self.city

    @property
    def is_open(self) -> bool:
        return self.status == CommunityStatus.OPEN

    def __repr__(self) -> str:
        return f"<Community {self.id} {self.slug}>"


class CommunityTopic(db.Model):
    """A topic of a community, as a normalised tag (like an event's)."""

    __tablename__ = "community_topic"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class CommunityAdmin(db.Model):
    """An admin of a community; admins are members too (they hold a
    CommunityMember row) and the hosts of its events."""

    __tablename__ = "community_admin"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    community: Mapped[Community] = relationship(back_populates="admins")
    user: Mapped[User] = relationship()


class CommunityAdminInvitation(db.Model):
    """An invitation to become an admin, sent to an address (as HostInvitation):
    only a hash of the emailed token is kept; deleting the row revokes it."""

    __tablename__ = "community_admin_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH))
    # The admin who invited; None once they deleted their account.
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    community: Mapped[Community] = relationship()


class CommunityQuestion(db.Model):
    """A question a community that approves its members asks (at most three)."""

    __tablename__ = "community_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(JOIN_QUESTION_MAX_LENGTH))


class CommunityMember(db.Model):
    """A person's standing with a community: one row per (community, person)."""

    __tablename__ = "community_member"
    __table_args__ = (Index("ix_community_member_state", "community_id", "state"),)

    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    state: Mapped[MembershipState] = mapped_column(enum_column(MembershipState, 16))
    mail: Mapped[CommunityMail] = mapped_column(
        enum_column(CommunityMail, 16), default=CommunityMail.EACH_EVENT
    )
    # Their choice for the community's member list; None follows their
    # directory setting (as Rsvp.directory_choice does for an event).
    is_listed: Mapped[bool | None]
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When they became a member (None while pending or declined).
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    community: Mapped[Community] = relationship()
    user: Mapped[User] = relationship()


class CommunityEvent(db.Model):
    """An event that belongs to a community (an event belongs to one at most).
    A table of its own rather than a column on event: the event table keeps
    its triggers and its rows through migrations on SQLite."""

    __tablename__ = "community_event"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the members were told of it (the announcement job); None: not yet.
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(
        backref=backref("community_link", uselist=False, cascade="all, delete-orphan")
    )
    community: Mapped[Community] = relationship()


class CommunityAnswer(db.Model):
    """A person's answer to one of a community's join questions."""

    __tablename__ = "community_answer"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("community_question.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(JOIN_ANSWER_MAX_LENGTH))

    question: Mapped[CommunityQuestion] = relationship()


class CommunityMessage(db.Model):
    """A message the admins wrote to the members (at most twice a week);
    the recipients' copies are outbox rows."""

    __tablename__ = "community_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community.id", ondelete="CASCADE"), index=True
    )
    # None once the admin who wrote it deleted their account.
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(COMMUNITY_MESSAGE_SUBJECT_MAX_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
