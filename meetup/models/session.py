"""Login sessions, kept on the server so that logging out really ends them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.models.types import UTCDateTime, utcnow

SESSION_LABEL_MAX_LENGTH = 100


class LoginSession(db.Model):
    """One log-in of one person in one browser.

    The browser holds a random secret (in its session and remember-me
    cookies); the row holds only its SHA-256, so a copy of the database opens
    no session. Deleting the row ends the session, whatever cookies survive.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "Firefox on Linux": enough for a person to recognise their own browsers.
    label: Mapped[str] = mapped_column(String(SESSION_LABEL_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} of user {self.user_id}>"
