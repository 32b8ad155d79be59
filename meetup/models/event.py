"""Networking events and the people who host them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, and_, false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.models.types import UTCDateTime, enum_column, utcnow
from meetup.models.user import EMAIL_MAX_LENGTH, User

if TYPE_CHECKING:
    from meetup.models.question import EventQuestion

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 50_000
VENUE_NAME_MAX_LENGTH = 200
VENUE_ADDRESS_MAX_LENGTH = 500
ONLINE_URL_MAX_LENGTH = 500
WHAT_TO_BRING_MAX_LENGTH = 1000
TOPIC_MAX_LENGTH = 40
MAX_CAPACITY = 100_000
FOLLOWUP_MESSAGE_MAX_LENGTH = 5000
EVENT_CHANGE_MAX_LENGTH = 300


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class EventVisibility(enum.StrEnum):
    PUBLIC = "public"  # listed and searchable
    UNLISTED = "unlisted"  # reachable only by its link
    # A community's members only: others see that it exists and can join to
    # see it (services.privacy.communities); listed nowhere else.
    MEMBERS = "members"


class DirectoryVisibility(enum.StrEnum):
    """Who may see an event's attendee directory."""

    EVERYONE = "everyone"
    ATTENDEES = "attendees"
    HOSTS = "hosts"


class FollowupSending(enum.StrEnum):
    """When the follow-up email after an event goes out, as its hosts chose."""

    AUTOMATIC = "automatic"  # the morning after, in each person's time zone
    NOW = "now"  # at the next run of the job (once the event has ended)
    NEVER = "never"


class HostRole(enum.StrEnum):
    CREATOR = "creator"  # owns the event: deletes drafts, manages hosts
    COHOST = "cohost"  # edits, publishes, cancels


class EventPlace:
    """Where an event happens, read from its venue and online link (shared by
    the model and the plain cards of lists)."""

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def is_in_person(self) -> bool:
        return bool(self.venue_name or self.venue_address)


class Event(EventPlace, db.Model):
    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_listing", "status", "visibility", "starts_at"),
        # Search is LIKE '%word%' on search_text; on PostgreSQL a trigram index
        # serves it (SQLite scans, which is fine at its scale).
        Index(
            "ix_event_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Random and permanent: the calendar UID (see ical_uid) never changes.
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: uuid.uuid4().hex)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown source
    description_html: Mapped[str] = mapped_column(Text, default="")  # rendered, sanitised
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    venue_name: Mapped[str] = mapped_column(String(VENUE_NAME_MAX_LENGTH), default="")
    venue_address: Mapped[str] = mapped_column(String(VENUE_ADDRESS_MAX_LENGTH), default="")
    online_url: Mapped[str] = mapped_column(String(ONLINE_URL_MAX_LENGTH), default="")
    capacity: Mapped[int | None]
    # How many guests one reply may bring (0: none); guests take seats too.
    guest_limit: Mapped[int] = mapped_column(default=0, server_default="0")
    rsvp_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visibility: Mapped[EventVisibility] = mapped_column(
        enum_column(EventVisibility, 16), default=EventVisibility.PUBLIC
    )
    directory_visibility: Mapped[DirectoryVisibility] = mapped_column(
        enum_column(DirectoryVisibility, 16), default=DirectoryVisibility.ATTENDEES
    )
    is_approval_required: Mapped[bool] = mapped_column(server_default=false())
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, 16), default=EventStatus.DRAFT
    )
    cancellation_message: Mapped[str] = mapped_column(Text, default="")
    # For the reminder email: what to bring, how to get in (plain text).
    what_to_bring: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The hosts' own words at the top of the follow-up email (Markdown source,
    # and rendered, sanitised), and when that email goes out.
    followup_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    followup_message_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    followup_sending: Mapped[FollowupSending] = mapped_column(
        enum_column(FollowupSending, 16),
        default=FollowupSending.AUTOMATIC,
        server_default=FollowupSending.AUTOMATIC.value,
    )
    # Raised by every change a calendar must see (time, place, title, cancel).
    sequence: Mapped[int] = mapped_column(default=0)
    # Casefolded title, description, topics and venue: what search matches, the
    # same way on SQLite and PostgreSQL.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The edition this one was copied from ("Copy as next edition"): a series
    # is the chain back through it. Copies made before the column are unlinked.
    previous_edition_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )

    created_by: Mapped[User] = relationship()
    hosts: Mapped[list[EventHost]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventHost.added_at"
    )
    topics: Mapped[list[EventTopic]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventTopic.name"
    )
    questions: Mapped[list[EventQuestion]] = relationship(
        cascade="all, delete-orphan", order_by="EventQuestion.position"
    )

    @hybrid_property
    def is_public(self) -> bool:
        """Published and listed: in the listing and on host pages, and hosting
        it makes the hosts' names public. In Python and in SQL alike."""
        return self.status == EventStatus.PUBLISHED and self.visibility == EventVisibility.PUBLIC

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status == EventStatus.PUBLISHED, cls.visibility == EventVisibility.PUBLIC)

    @property
    def ical_uid(self) -> str:
        """The UID of this event in every calendar file and invitation."""
        return f"{self.uid}@meetup"

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.slug} {self.status}>"

    # community_link: the CommunityEvent row when it belongs to a community
    # (a backref declared there: models.community imports this module).


class EventChange(db.Model):
    """One line of an event's history: who changed what, and when. Hosts
    read it; it never holds what attendees did (their replies have their own)."""

    __tablename__ = "event_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # None once the host who acted has deleted their account.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    summary: Mapped[str] = mapped_column(String(EVENT_CHANGE_MAX_LENGTH))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class EventHost(db.Model):
    __tablename__ = "event_host"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[HostRole] = mapped_column(enum_column(HostRole, 16))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="hosts")
    user: Mapped[User] = relationship()


class EventTopic(db.Model):
    """A topic of an event, as a normalised tag (like a person's interests)."""

    __tablename__ = "event_topic"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(TOPIC_MAX_LENGTH), primary_key=True, index=True)

    event: Mapped[Event] = relationship(back_populates="topics")


class HostInvitation(db.Model):
    """An invitation to co-host, sent to an address; the person with that
    confirmed address accepts it (then the row goes), within INVITATION_DAYS.
    Only a hash of the emailed token is kept; deleting the row revokes it."""

    __tablename__ = "host_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(
        String(EMAIL_MAX_LENGTH)
    )  # normalised, as typed by the creator
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
