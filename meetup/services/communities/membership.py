"""Joining and leaving a community, and the admins' decisions on its people.

Joining an open community makes a member at once; a community that approves
its members takes a request, with an answer to each of its questions.
Declining, removing and blocking are silent: the person is never told, and
never learns it from what they see (`seen_state`). A removed person may join
again; a blocked one may try, and their request looks pending to them for
ever, as a declined one's does.

Every change takes a lock first: joining locks the community's row (a join
and its closing, or two joins of one person, wait for each other); an
admin's decision locks the person's row, so two admins acting at once end
with one decision, and each decision is idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, LoginRequired, PermissionDenied
from meetup.lib.text import clean_text
from meetup.lib.urls import external_url
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityAnswer,
    CommunityMail,
    CommunityMember,
    CommunityQuestion,
    MembershipState,
    User,
)
from meetup.models.community import JOIN_ANSWER_MAX_LENGTH
from meetup.models.types import utcnow
from meetup.outbox import Mail, queue_mail
from meetup.services import privacy
from meetup.services.communities.lookup import lock_community, require_admin

CLOSED = "This community has closed; it takes no new members."
UNANSWERED = "Please answer this question."
LAST_ADMIN = "You are the last admin: hand the community to another admin or close it first."
ADMIN_LEAVING = "You are an admin: step down as an admin before you leave the community."
ADMIN_REMOVED = "An admin cannot be removed from the members: they step down first."
VERIFY_FIRST = "Please confirm your email address before you join a community."


def answer_field(question: CommunityQuestion) -> str:
    """The name of the form field that answers `question`."""
    return f"answer_{question.id}"


def seen_state(row: CommunityMember | None) -> MembershipState | None:
    """What the person of `row` sees of their standing: a member, a request
    pending (theirs, declined or not), or nothing (never a member, removed,
    or blocked and not asking again). Declining, removing and blocking are
    silent: a blocked person's request to join again looks pending to them
    (they asked after the block: requested_at after decided_at)."""
    if row is None or row.state == MembershipState.REMOVED:
        return None
    if row.state == MembershipState.BLOCKED:
        asked_again = row.decided_at is not None and row.requested_at > row.decided_at
        return MembershipState.PENDING if asked_again else None
    if row.state == MembershipState.DECLINED:
        return MembershipState.PENDING
    return row.state


# Joining and leaving


def join(
    actor: User | None, community: Community, answers: Mapping[str, str] | None = None
) -> MembershipState:
    """Join `community`, or ask to (`answers`: by answer_field, one per
    question, for a community that approves its members). Returns what the
    actor now sees (seen_state): MEMBER or PENDING.

    :raise LoginRequired: nobody signed in. :raise PermissionDenied: the
    address is not confirmed. :raise InvalidInput: the community closed
    (no field), or an answer is missing or too long (its field).
    """
    if actor is None:
        raise LoginRequired("Log in to join this community.")
    if not actor.is_verified:
        raise PermissionDenied(VERIFY_FIRST)
    lock_community(community)
    row = _locked_row(community.id, actor.id)
    if row is not None and row.state in (MembershipState.MEMBER, MembershipState.PENDING):
        return row.state
    if not community.is_open:
        raise InvalidInput(CLOSED)
    questions = list(community.questions) if community.is_approval_required else []
    texts = _checked_answers(questions, answers or {})
    now = utcnow()
    if row is not None and row.state in (MembershipState.BLOCKED, MembershipState.DECLINED):
        # Silently as they are: the request is kept, and looks pending to them.
        row.requested_at = max(now, row.decided_at or now)
        _replace_answers(actor, community, texts)
        db.session.flush()
        return MembershipState.PENDING
    if row is None:
        row = CommunityMember(community_id=community.id, user_id=actor.id, is_listed=None)
        db.session.add(row)
    row.requested_at, row.decided_at, row.mail = now, None, CommunityMail.EACH_EVENT
    if community.is_approval_required:
        row.state, row.joined_at = MembershipState.PENDING, None
    else:
        row.state, row.joined_at = MembershipState.MEMBER, now
    _replace_answers(actor, community, texts)
    db.session.flush()
    return row.state


def _checked_answers(
    questions: list[CommunityQuestion], answers: Mapping[str, str]
) -> dict[int, str]:
    """Each question's answer, tidied. :raise InvalidInput: at the first
    question left empty or answered too long."""
    texts = {}
    for question in questions:
        field = answer_field(question)
        text = clean_text(answers.get(field, ""), field=field, max_length=JOIN_ANSWER_MAX_LENGTH)
        if not text:
            raise InvalidInput(UNANSWERED, field=field)
        texts[question.id] = text
    return texts


def _replace_answers(person: User, community: Community, texts: dict[int, str]) -> None:
    _delete_answers(person.id, community.id)
    db.session.add_all(
        CommunityAnswer(question_id=question_id, user_id=person.id, text=text)
        for question_id, text in texts.items()
    )


def _delete_answers(person_id: int, community_id: int) -> None:
    questions = select(CommunityQuestion.id).where(CommunityQuestion.community_id == community_id)
    db.session.execute(
        delete(CommunityAnswer).where(
            CommunityAnswer.user_id == person_id, CommunityAnswer.question_id.in_(questions)
        )
    )


def leave(actor: User, community: Community) -> None:
    """Leave `community` (or withdraw a request, declined or not): the row
    and the answers go. Leaving twice is leaving once. A removed or blocked
    person's row stays, silently: they see themselves out already.

    :raise InvalidInput: `actor` is an admin (the last one: hand it on or
    close it; another: step down first).
    """
    if privacy.is_admin(actor, community.id):
        others = db.session.scalar(
            select(CommunityAdmin.user_id)
            .where(CommunityAdmin.community_id == community.id, CommunityAdmin.user_id != actor.id)
            .limit(1)
        )
        raise InvalidInput(ADMIN_LEAVING if others is not None else LAST_ADMIN)
    row = _locked_row(community.id, actor.id)
    if row is None or seen_state(row) is None:
        return
    if row.state == MembershipState.BLOCKED:
        # Withdrawing what looks like a request: it stops looking pending,
        # and the block stays.
        row.requested_at = row.decided_at or row.requested_at
    else:
        db.session.delete(row)
    _delete_answers(actor.id, community.id)
    db.session.flush()


# The admins' decisions


def approve(actor: User, community: Community, person_id: int) -> CommunityMember:
    """Accept a request (pending, or declined earlier): a member, welcomed by
    email. Approving a member again changes nothing.

    :raise PermissionDenied: not an admin. :raise InvalidInput: no such request.
    """
    require_admin(actor, community)
    row = _locked_row(community.id, person_id)
    if row is None or row.state in (MembershipState.REMOVED, MembershipState.BLOCKED):
        raise InvalidInput("This request to join is no longer there: it was withdrawn.")
    if row.state == MembershipState.MEMBER:
        return row
    now = utcnow()
    row.state, row.joined_at, row.decided_at = MembershipState.MEMBER, now, now
    db.session.flush()
    _queue_welcome(community, row.user, now)
    return row


def _queue_welcome(community: Community, person: User, now: datetime) -> None:
    queue_mail(
        Mail(
            to=person.email,
            user_id=person.id,
            subject=f"Welcome to {community.name}",
            template="membership_welcome",
            dedupe_key=f"community-welcome:{community.id}:{person.id}:{now.isoformat()}",
            context={
                "name": person.display_name,
                "community": community.name,
                "url": external_url("communities.join", slug=community.slug),
                "choices_url": external_url("communities.my_communities"),
            },
        )
    )


def decline(actor: User, community: Community, person_id: int) -> CommunityMember | None:
    """Decline a request, silently (no mail; they see it pending). Declining
    twice, or a request withdrawn meanwhile, changes nothing.

    :raise PermissionDenied: not an admin.
    """
    require_admin(actor, community)
    row = _locked_row(community.id, person_id)
    if row is None or row.state != MembershipState.PENDING:
        return row
    row.state, row.decided_at = MembershipState.DECLINED, utcnow()
    db.session.flush()
    return row


def remove(
    actor: User, community: Community, person_id: int, *, block: bool = False
) -> CommunityMember | None:
    """Remove a person from the members (or their request), silently;
    `block`: and never let them join again. Removing the removed, or
    blocking the blocked, changes nothing; nor does removing someone with no
    row (they left meanwhile, or an id typed into the address): an admin
    learns nothing of people who are not in the community, not even a name.

    :raise PermissionDenied: not an admin, or `person_id` is an admin.
    """
    require_admin(actor, community)
    if db.session.get(CommunityAdmin, (community.id, person_id)) is not None:
        raise PermissionDenied(ADMIN_REMOVED)
    row = _locked_row(community.id, person_id)
    target = MembershipState.BLOCKED if block else MembershipState.REMOVED
    now = utcnow()
    if row is None:
        return None
    if row.state == target or (row.state == MembershipState.BLOCKED and not block):
        return row
    row.state, row.joined_at, row.decided_at = target, None, now
    row.requested_at = min(row.requested_at, now)
    _delete_answers(person_id, community.id)
    db.session.flush()
    return row


def unblock(actor: User, community: Community, person_id: int) -> CommunityMember | None:
    """Let a blocked person join again (they become removed: they may join,
    and are told nothing). Unblocking twice changes nothing.

    :raise PermissionDenied: not an admin.
    """
    require_admin(actor, community)
    row = _locked_row(community.id, person_id)
    if row is None or row.state != MembershipState.BLOCKED:
        return row
    row.state, row.decided_at = MembershipState.REMOVED, utcnow()
    db.session.flush()
    return row


# A member's own choices


def set_mail_choice(person: User, community: Community, choice: str) -> CommunityMember:
    """What `person` hears of the community's new events.

    :raise InvalidInput: not a choice (field "mail"). :raise PermissionDenied:
    they have no membership or request to set it on.
    """
    try:
        mail = CommunityMail(choice)
    except ValueError:
        raise InvalidInput("Choose what you hear of new events.", field="mail") from None
    row = _own_row(person, community)
    row.mail = mail
    db.session.flush()
    return row


LISTING_CHOICES = {"default": None, "shown": True, "hidden": False}


def set_listing(person: User, community: Community, is_listed: bool | None) -> CommunityMember:
    """Whether `person` is in the community's member list: True, False, or
    None to follow their directory setting. ("Only me" profiles are never
    listed, whatever they choose here: privacy.is_listed_in_community.)

    :raise PermissionDenied: they have no membership or request to set it on.
    """
    row = _own_row(person, community)
    row.is_listed = is_listed
    db.session.flush()
    return row


def update_choices(
    person: User, community: Community, *, mail: str, listing: str
) -> CommunityMember:
    """Both of a member's choices at once, as their form sends them
    (`listing`: a key of LISTING_CHOICES).

    :raise InvalidInput: a value that is not a choice (at its field).
    """
    if listing not in LISTING_CHOICES:
        raise InvalidInput("Choose whether you are in the member list.", field="listing")
    set_mail_choice(person, community, mail)
    return set_listing(person, community, LISTING_CHOICES[listing])


def _own_row(person: User, community: Community) -> CommunityMember:
    row = _locked_row(community.id, person.id)
    if row is None or seen_state(row) is None:
        raise PermissionDenied("Join the community first.")
    return row


# Locks


def _locked_row(community_id: int, person_id: int) -> CommunityMember | None:
    """The person's row, locked and re-read as committed (None: no row)."""
    return db.session.scalar(
        select(CommunityMember)
        .where(CommunityMember.community_id == community_id, CommunityMember.user_id == person_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
