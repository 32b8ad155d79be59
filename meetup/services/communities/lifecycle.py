"""A community's life, as its admins run it: create, edit, close.

Anyone with a confirmed address may start a community: they become its
first admin, and a member. Admins are all equal (services.communities.admins);
any of them edits the settings or closes the community. A closed community
keeps its page, which says it closed; it takes no joins, events or admins.

Two admins saving the settings at once end with one of the two, never a
mix: the community's row is locked (lookup.lock_community) before its
fields, topics and questions are replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.lib.markdown import render_markdown
from meetup.lib.text import CONTROL_CHARACTERS, clean_line, clean_tags, clean_text
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityAdminInvitation,
    CommunityMail,
    CommunityMember,
    CommunityQuestion,
    CommunityStatus,
    CommunityTopic,
    MembershipState,
    User,
)
from meetup.models.community import (
    COMMUNITY_CITY_MAX_LENGTH,
    COMMUNITY_DESCRIPTION_MAX_LENGTH,
    COMMUNITY_NAME_MAX_LENGTH,
    JOIN_QUESTION_MAX_LENGTH,
    MAX_JOIN_QUESTIONS,
)
from meetup.models.event import TOPIC_MAX_LENGTH
from meetup.models.types import utcnow
from meetup.services.accounts.credentials import require_verified
from meetup.services.communities.lookup import lock_as_admin, require_admin, require_open
from meetup.services.events.event_details import MAX_TOPICS, searchable_text
from meetup.services.hosting.lifecycle import new_slug

# Markup in a one-line field: a name is shown as text everywhere (pages,
# mail subjects, calendars), so an angle bracket is a mistake or a probe.
_ANGLE_BRACKETS = re.compile(r"[<>]")
# Bidi embeddings, overrides and isolates turn the text after them around
# (a name reads backwards, and so does the rest of a mail's subject); a
# line of nothing but invisible characters looks empty. Joiners (U+200D in
# emoji) and right-to-left scripts themselves are welcome.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u180e]*")
# An HTML tag in Markdown: the renderer would show it as text, which is
# never what its writer meant.
_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")


@dataclass(frozen=True)
class CommunityDetails:
    """What an admin enters about a community."""

    name: str
    description: str
    topics: Iterable[str] = field(default_factory=tuple)
    city: str = ""  # "" meets online
    is_approval_required: bool = False
    questions: Sequence[str] = field(default_factory=tuple)  # at most three, blanks ignored


@dataclass(frozen=True)
class _Checked:
    name: str
    description: str
    topics: list[str]
    city: str
    questions: list[str]


def create_community(
    actor: User, details: CommunityDetails, *, now: datetime | None = None
) -> Community:
    """Start a community: `actor` is its first admin and a member (told of
    each event).

    :raise PermissionDenied: `actor` has not confirmed their email address.
    :raise InvalidInput: a field breaks its rules (the error names it).
    """
    require_verified(actor)
    checked = _check(details)
    now = now or utcnow()
    community = Community(slug=new_slug(checked.name, fallback="community"), created_at=now)
    _write(community, checked, details.is_approval_required)
    db.session.add(community)
    db.session.flush()
    db.session.add(CommunityAdmin(community_id=community.id, user_id=actor.id, added_at=now))
    db.session.add(
        CommunityMember(
            community_id=community.id,
            user_id=actor.id,
            state=MembershipState.MEMBER,
            mail=CommunityMail.EACH_EVENT,
            requested_at=now,
            joined_at=now,
            decided_at=now,
        )
    )
    db.session.flush()
    return community


def edit_community(actor: User, community: Community, details: CommunityDetails) -> None:
    """Replace the community's settings with `details`, all or nothing.

    :raise PermissionDenied: `actor` is not an admin.
    :raise InvalidInput: a field breaks its rules, or the community closed.
    """
    require_admin(actor, community)
    checked = _check(details)  # before the lock: a refusal waits for no one
    lock_as_admin(actor, community)
    require_open(community)
    _write(community, checked, details.is_approval_required)
    db.session.flush()


def close_community(actor: User, community: Community, *, now: datetime | None = None) -> None:
    """Close the community: its page stays and says so; it takes no more
    members, events or admins, and its pending admin invitations stop working.

    :raise PermissionDenied: `actor` is not an admin.
    :raise InvalidInput: it is closed already.
    """
    require_admin(actor, community)
    lock_as_admin(actor, community)
    if not community.is_open:
        raise InvalidInput("This community is closed already.")
    community.status = CommunityStatus.CLOSED
    community.closed_at = now or utcnow()
    db.session.execute(
        delete(CommunityAdminInvitation).where(
            CommunityAdminInvitation.community_id == community.id
        )
    )
    db.session.flush()


def _check(details: CommunityDetails) -> _Checked:
    """Every field checked before anything is written."""
    name = _one_line(details.name, field="name", max_length=COMMUNITY_NAME_MAX_LENGTH)
    if not name:
        raise InvalidInput("Give the community a name.", field="name")
    description = _markdown(details.description)
    topics = clean_tags(
        details.topics, field="topics", noun="topic", max_count=MAX_TOPICS,
        max_length=TOPIC_MAX_LENGTH,
    )  # fmt: skip
    city = _one_line(details.city, field="city", max_length=COMMUNITY_CITY_MAX_LENGTH)
    questions = _questions(details.questions)
    return _Checked(name, description, topics, city, questions)


def _one_line(raw: str, *, field: str, max_length: int) -> str:
    """One line of plain text: no control character, no markup."""
    if CONTROL_CHARACTERS.search(raw or ""):
        raise InvalidInput("Remove the invisible control characters from this text.", field=field)
    if _ANGLE_BRACKETS.search(raw or ""):
        raise InvalidInput("Use plain text here: no < or > (no HTML).", field=field)
    return shown_line(raw, field=field, max_length=max_length)


def shown_line(raw: str, *, field: str, max_length: int) -> str:
    """clean_line, for a line shown to others (a name, a mail's subject):
    with no character that turns the text around, and "" (empty) when only
    invisible characters are left.

    :raise InvalidInput: a bidi control character, or too long (at `field`).
    """
    if _BIDI_CONTROLS.search(raw or ""):
        raise InvalidInput(
            "Remove the invisible characters that change the text's direction.", field=field
        )
    line = clean_line(raw, field=field, max_length=max_length)
    return "" if _INVISIBLE.fullmatch(line) else line


def _markdown(raw: str) -> str:
    if CONTROL_CHARACTERS.search(raw or ""):
        raise InvalidInput(
            "Remove the invisible control characters from the description.", field="description"
        )
    if _HTML_TAG.search(raw or ""):
        raise InvalidInput(
            "Use Markdown, not HTML tags: **bold**, *italic*, [a link](https://…).",
            field="description",
        )
    description = clean_text(raw, field="description", max_length=COMMUNITY_DESCRIPTION_MAX_LENGTH)
    if not description:
        raise InvalidInput("Say in a few words what the community is about.", field="description")
    return description


def _questions(raw: Sequence[str]) -> list[str]:
    """The join questions given, in order, blanks skipped; each named by its
    place in the form (question_1..3)."""
    if len(raw) > MAX_JOIN_QUESTIONS:
        raise InvalidInput(
            f"Ask at most {MAX_JOIN_QUESTIONS} questions.", field=f"question_{len(raw)}"
        )
    questions = []
    for number, text in enumerate(raw, start=1):
        question = _one_line(text, field=f"question_{number}", max_length=JOIN_QUESTION_MAX_LENGTH)
        if question and question not in questions:
            questions.append(question)
    return questions


def _write(community: Community, checked: _Checked, is_approval_required: bool) -> None:
    community.name = checked.name
    community.description = checked.description
    community.description_html = render_markdown(checked.description)
    community.city = checked.city
    community.is_approval_required = bool(is_approval_required)
    community.topics = [CommunityTopic(name=name) for name in checked.topics]
    _replace_questions(community, checked.questions)
    community.search_text = searchable_text(
        checked.name, checked.description, checked.topics, checked.city
    )


def _replace_questions(community: Community, texts: list[str]) -> None:
    """The questions become `texts`, in order. A question kept word for word
    keeps its row, so the answers pending requests gave it stay; a question
    changed or dropped goes, with its answers."""
    existing = {question.text: question for question in community.questions}
    kept = []
    for position, text in enumerate(texts):
        question = existing.pop(text, None) or CommunityQuestion(text=text)
        question.position = position
        kept.append(question)
    community.questions = kept
