"""What the hosts may see of feedback: the one rule, for every figure and
comment of the report (its page, its CSV, the series comparison).

Signed answers are shown as they are, with the person's name. Anonymous
answers, figures and comments alike, are released only once the feedback
window has closed, and only if at least MIN_ANONYMOUS of them were given by
people who were not hosts of the event when it closed. Until then the
figures count signed answers only, and nothing a host sees changes when
someone answers anonymously, changes an anonymous answer or withdraws a
signature: no total, no flag, no count of the hidden answers.

Why at the close, as one batch: after it nobody can answer, change or
switch an answer (feedback.refusal), so the released answers are one fixed
set, and no two downloads differ by one answer. The hosts' own answers never
count towards the threshold (a host who answers 3 when two others answer 5
would read both), but once released they are in the figures, unmarked, like
anyone's. What can still move after the close only ever adds to the count
(an account deleted turns a signed answer anonymous, a host who steps down
counts as a guest; a host added after the close was no host at it), so a
released batch is never taken back, and a late release shows the same
batch. A threshold cannot stop a host who has MIN_ANONYMOUS - 1 colluding
accounts at the event: with fewer, at least two answers they do not know
stay mixed in every figure.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select

from meetup.extensions import db
from meetup.models import Event, EventHost, Feedback, User
from meetup.services.outcomes.feedback import RATINGS, closes_at

MIN_ANONYMOUS = 5


class Release(enum.Enum):
    PENDING = "pending"  # the window has not closed: signed answers only
    RELEASED = "released"  # anonymous answers are in, for good
    WITHHELD = "withheld"  # closed with too few anonymous answers: hidden (see the module)


@dataclass(frozen=True)
class FeedbackFigures:
    """The answers the hosts may see, counted (see the module's rule)."""

    release: Release
    closes_at: datetime
    count: int = 0
    total_rating: int = 0
    coming_again: int = 0
    by_rating: dict[int, int] = field(default_factory=dict)

    @property
    def threshold(self) -> int:
        return MIN_ANONYMOUS

    @property
    def includes_anonymous(self) -> bool:
        return self.release is Release.RELEASED

    @property
    def average(self) -> float | None:
        return self.total_rating / self.count if self.count else None

    @property
    def coming_again_share(self) -> float | None:
        return self.coming_again / self.count if self.count else None

    @property
    def distribution(self) -> list[tuple[int, int]]:
        return [(rating, self.by_rating.get(rating, 0)) for rating in RATINGS]

    @property
    def peak(self) -> int:
        return max(self.by_rating.values(), default=0)


@dataclass(frozen=True)
class Comment:
    text: str
    author: str | None  # None: anonymous


@dataclass(frozen=True)
class _Group:
    is_signed: bool
    host_since: datetime | None  # when the author became a host (None: not one)
    rating: int
    answers: int
    coming_again: int


def feedback_figures(events: list[Event], *, now: datetime) -> dict[int, FeedbackFigures]:
    """Per event, the figures the hosts may see: one query for all."""
    groups: dict[int, list[_Group]] = {event.id: [] for event in events}
    for event_id, is_signed, host_since, rating, answers, coming_again in db.session.execute(
        select(
            Feedback.event_id,
            Feedback.is_signed,
            EventHost.added_at,
            Feedback.rating,
            func.count(),
            func.count().filter(Feedback.is_coming_again.is_(True)),
        )
        .outerjoin(
            EventHost,
            and_(EventHost.event_id == Feedback.event_id, EventHost.user_id == Feedback.user_id),
        )
        .where(Feedback.event_id.in_(list(groups)))
        .group_by(Feedback.event_id, Feedback.is_signed, EventHost.added_at, Feedback.rating)
    ):
        groups[event_id].append(_Group(is_signed, host_since, rating, answers, coming_again))
    return {event.id: _figures(event, groups[event.id], now=now) for event in events}


def _release(event: Event, groups: list[_Group], *, now: datetime) -> Release:
    closed = closes_at(event)
    if now < closed:
        return Release.PENDING
    from_guests = sum(
        g.answers
        for g in groups
        if not g.is_signed and (g.host_since is None or g.host_since > closed)
    )
    return Release.RELEASED if from_guests >= MIN_ANONYMOUS else Release.WITHHELD


def _figures(event: Event, groups: Iterable[_Group], *, now: datetime) -> FeedbackFigures:
    groups = list(groups)
    release = _release(event, groups, now=now)
    counted = [g for g in groups if g.is_signed or release is Release.RELEASED]
    by_rating: dict[int, int] = {}
    for group in counted:
        by_rating[group.rating] = by_rating.get(group.rating, 0) + group.answers
    return FeedbackFigures(
        release=release,
        closes_at=closes_at(event),
        count=sum(g.answers for g in counted),
        total_rating=sum(g.rating * g.answers for g in counted),
        coming_again=sum(g.coming_again for g in counted),
        by_rating=by_rating,
    )


def comments(event: Event, figures: FeedbackFigures) -> list[Comment]:
    """Signed comments by name; anonymous ones only once released, in the
    order of their text, so no order hints at who or when."""
    rows = db.session.execute(
        select(Feedback.comment, Feedback.is_signed, User.display_name)
        .outerjoin(User, and_(User.id == Feedback.user_id, Feedback.is_signed.is_(True)))
        .where(Feedback.event_id == event.id, Feedback.comment != "")
    ).all()
    signed = sorted(
        (Comment(text, name) for text, is_signed, name in rows if is_signed),
        key=lambda c: ((c.author or "").lower(), c.text),
    )
    if not figures.includes_anonymous:
        return signed
    unsigned = [Comment(text, None) for text, is_signed, _ in rows if not is_signed]
    return signed + sorted(unsigned, key=lambda c: c.text)
