"""A person: their account, their networking profile and their privacy choices."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, Text, false, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.lib.text import EMAIL_MAX_LENGTH
from meetup.models.types import UTCDateTime, enum_column, utcnow

DISPLAY_NAME_MAX_LENGTH = 80
HEADLINE_MAX_LENGTH = 120
COMPANY_MAX_LENGTH = 100
BIO_MAX_LENGTH = 2000
INTEREST_MAX_LENGTH = 40
TIMEZONE_MAX_LENGTH = 64


class ProfileVisibility(enum.StrEnum):
    """Who may open a person's profile page."""

    PUBLIC = "public"  # anyone, logged in or not
    MEMBERS = "members"  # people with an account
    PRIVATE = "private"  # only the person (and, later, hosts and connections)


class Goal(enum.StrEnum):
    """What a person offers or seeks; the matching of follow-ups reads these."""

    MENTORING = "mentoring"
    HIRING = "hiring"
    NEW_JOB = "new_job"
    COLLABORATION = "collaboration"
    ADVICE = "advice"
    INVESTING = "investing"


GOAL_LABELS = {
    Goal.MENTORING: "Mentoring",
    Goal.HIRING: "Hiring",
    Goal.NEW_JOB: "A new job",
    Goal.COLLABORATION: "Collaboration",
    Goal.ADVICE: "Advice",
    Goal.INVESTING: "Investing",
}


class GoalDirection(enum.StrEnum):
    OFFERS = "offers"
    SEEKS = "seeks"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (lower case), so uniqueness is case-insensitive everywhere.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX_LENGTH))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None until the person follows the link mailed to their address.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An address the person asked to move to, until they confirm or cancel it;
    # the confirmation link is only good for this very address.
    pending_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))
    # Set when the person deleted their account; the row stays, emptied, so
    # what others own (events, connections) keeps pointing somewhere.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Profile
    headline: Mapped[str] = mapped_column(String(HEADLINE_MAX_LENGTH), server_default="")
    company: Mapped[str] = mapped_column(String(COMPANY_MAX_LENGTH), server_default="")
    bio: Mapped[str] = mapped_column(Text, server_default="")
    links: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    timezone: Mapped[str] = mapped_column(String(TIMEZONE_MAX_LENGTH), server_default="UTC")

    # Privacy choices; read them through services.privacy, never directly.
    profile_visibility: Mapped[ProfileVisibility] = mapped_column(
        enum_column(ProfileVisibility, 16), server_default=ProfileVisibility.MEMBERS.value
    )
    is_listed_in_directories: Mapped[bool] = mapped_column(server_default=true())
    is_email_shared_with_connections: Mapped[bool] = mapped_column(server_default=false())
    is_followup_email_wanted: Mapped[bool] = mapped_column(server_default=true())
    # Minutes before an event that calendar files and invitations remind the
    # person (a VALARM); None: no reminder.
    calendar_alarm_minutes: Mapped[int | None]
    # The secret in the personal calendar feed's URL; None until first asked for.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The feed's stored version (services.calendar.feeds). The database raises
    # feed_version, and empties feed_etag, in the transaction of any change
    # to the person's replies, hostings or their events (triggers: migration
    # f7d3a9c1e2b4); a fetch keeps the digest of the feed's events in
    # feed_etag, valid until feed_etag_until (when the first of them leaves
    # the feed's window), if feed_version did not move meanwhile. Only the
    # feed reads them: deferred, never set by the ORM.
    feed_version: Mapped[int] = mapped_column(default=0, server_default="0", deferred=True)
    feed_etag: Mapped[str | None] = mapped_column(String(32), deferred=True)
    feed_etag_until: Mapped[datetime | None] = mapped_column(UTCDateTime, deferred=True)

    interests: Mapped[list[UserInterest]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        order_by="UserInterest.name",
    )
    goals: Mapped[list[UserGoal]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        order_by="(UserGoal.direction, UserGoal.goal)",
    )

    @property
    def is_active(self) -> bool:
        """A deleted account cannot log in (Flask-Login reads this)."""
        return self.deleted_at is None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str:
        """The secret of the login session this request runs in (Flask-Login's
        alternative token): it is what the cookies carry, so revoking the
        session on the server ends it (see services.sessions)."""
        token = getattr(self, "session_token", None)
        if token is None:
            raise RuntimeError("no login session: log in through services.sessions")
        return token

    def goals_in(self, direction: GoalDirection) -> list[Goal]:
        return [goal.goal for goal in self.goals if goal.direction == direction]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class FormerEmail(db.Model):
    """An address the account used before, kept so that the person's own
    data (mail sent to it) can be found for My data and erased with them."""

    __tablename__ = "former_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserInterest(db.Model):
    """A topic a person cares about, as a normalised tag (lower case, single spaces)."""

    __tablename__ = "user_interest"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(INTEREST_MAX_LENGTH), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="interests")


class UserGoal(db.Model):
    """Something a person offers or seeks (mentoring, hiring...)."""

    __tablename__ = "user_goal"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    goal: Mapped[Goal] = mapped_column(enum_column(Goal, 16), primary_key=True)
    direction: Mapped[GoalDirection] = mapped_column(
        enum_column(GoalDirection, 8), primary_key=True
    )

    user: Mapped[User] = relationship(back_populates="goals")
