"""Registration questions: what the hosts ask everyone who replies "going".

The answers live on each reply (Rsvp.answers); the questions belong to their
event, which is why this module sits beside event.py, not rsvp.py.
"""

from __future__ import annotations

import enum

from sqlalchemy import JSON, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.models.types import enum_column

QUESTION_LABEL_MAX_LENGTH = 200
CHOICE_MAX_LENGTH = 100


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"  # one of `choices`


class EventQuestion(db.Model):
    """A registration question the hosts ask everyone who replies "going"."""

    __tablename__ = "event_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, 16))
    label: Mapped[str] = mapped_column(String(QUESTION_LABEL_MAX_LENGTH))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_required: Mapped[bool] = mapped_column(server_default=false())
