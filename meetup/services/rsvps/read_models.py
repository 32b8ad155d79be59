"""What pages show of replies, as read models: the hosts' list, one reply
with its history, and the host decisions each allows. Flags and labels are
decided here, so templates only show them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from meetup.extensions import db
from meetup.lib.errors import NotFound
from meetup.models import (
    Event,
    Rsvp,
    RsvpChange,
    RsvpStatus,
    User,
)
from meetup.services.events.lookup import is_host, require_host
from meetup.services.events.questions import list_questions
from meetup.services.rsvps.replying import reply_in
from meetup.services.rsvps.seats import Decision, decisions_applying_to, find_rsvp

_HOST_LIST_ORDER = (
    RsvpStatus.PENDING, RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.NOT_GOING,
    RsvpStatus.DECLINED, RsvpStatus.REMOVED,
)  # fmt: skip


@dataclass(frozen=True)
class HostChoices:
    """The decisions the hosts' pages offer on a reply: those its status
    allows, but a pending request is declined rather than removed (both take
    a reason; the pages offer one)."""

    approve: bool
    decline: bool
    let_in: bool
    remove: bool

    @property
    def takes_reason(self) -> bool:
        """A decision that takes a reason applies: decline, else remove (the
        reply's page asks the reason and offers the one that applies)."""
        return self.decline or self.remove


@cache
def host_choices(status: RsvpStatus) -> HostChoices:
    allowed = decisions_applying_to(status)
    return HostChoices(
        approve=Decision.APPROVE in allowed,
        decline=Decision.DECLINE in allowed,
        let_in=Decision.LET_IN in allowed,
        remove=Decision.REMOVE in allowed and Decision.DECLINE not in allowed,
    )


@dataclass(frozen=True)
class ReplyRow:
    """One line of the hosts' list of replies."""

    rsvp_id: int
    user_id: int
    display_name: str
    email: str
    status: RsvpStatus
    guests: int
    waitlist_position: int | None
    answers: dict[str, str]
    checked_in_at: datetime | None
    replied_at: datetime
    updated_at: datetime

    @property
    def decisions(self) -> HostChoices:
        return host_choices(self.status)


def list_replies(
    actor: User, event: Event, *, status: str = "", search: str = ""
) -> list[ReplyRow]:
    """The replies to `event`, for its hosts, in one query: pending first, then
    going, the waitlist in order, and the rest. `status` keeps one status;
    `search` matches names and email addresses, ignoring case.

    :raise PermissionDenied: `actor` is not a host.
    """
    require_host(actor, event)
    columns = (
        Rsvp.id, Rsvp.user_id, User.display_name, User.email, Rsvp.status, Rsvp.guests,
        Rsvp.waitlist_position, Rsvp.answers, Rsvp.checked_in_at, Rsvp.created_at,
        Rsvp.updated_at,
    )  # fmt: skip
    query = (
        select(*columns)
        .join(User, User.id == Rsvp.user_id)
        .where(Rsvp.event_id == event.id)
        .order_by(Rsvp.created_at, Rsvp.id)
    )
    if status in RsvpStatus.__members__.values():
        query = query.where(Rsvp.status == RsvpStatus(status))
    for word in search.lower().split()[:5]:
        query = query.where(
            func.lower(User.display_name).contains(word, autoescape=True)
            | User.email.contains(word, autoescape=True)
        )
    replies = [ReplyRow(*row) for row in db.session.execute(query)]
    order = {status: rank for rank, status in enumerate(_HOST_LIST_ORDER)}
    replies.sort(key=lambda row: (order[row.status], row.waitlist_position or 0))
    return replies


_NO_CHOICES = HostChoices(approve=False, decline=False, let_in=False, remove=False)


@dataclass(frozen=True)
class AnsweredQuestion:
    question: str
    answer: str


@dataclass(frozen=True)
class ReplyDetails:
    """A reply with its answers and history: for the person and the hosts only."""

    rsvp: Rsvp
    answers: list[AnsweredQuestion]
    changes: list[RsvpChange]
    viewer_is_host: bool

    @property
    def decisions(self) -> HostChoices:
        """What the hosts may decide on the reply (nothing, for anyone else)."""
        return host_choices(self.rsvp.status) if self.viewer_is_host else _NO_CHOICES


def get_reply(viewer: User, event: Event, rsvp_id: int | None = None) -> ReplyDetails:
    """The viewer's own reply (no `rsvp_id`), or any reply when the viewer hosts.

    :raise NotFound: no such reply, or it is someone else's and `viewer` does
        not host the event (its existence is private).
    """
    rsvp = find_rsvp(event, viewer) if rsvp_id is None else reply_in(event, rsvp_id)
    viewer_is_host = is_host(viewer, event)
    if rsvp is None or (rsvp.user_id != viewer.id and not viewer_is_host):
        raise NotFound("There is no such reply.")
    changes = list(
        db.session.scalars(
            select(RsvpChange)
            .where(RsvpChange.rsvp_id == rsvp.id)
            .options(selectinload(RsvpChange.actor))
            .order_by(RsvpChange.id)
        )
    )
    answers = [
        AnsweredQuestion(question.label, rsvp.answers.get(str(question.id), ""))
        for question in list_questions(event)
    ]
    return ReplyDetails(rsvp, answers, changes, viewer_is_host)
