"""A deleted person in other people's stored mail: found and taken out.

An outbox row keeps what its template renders (subject and JSON context),
so mail to others that names the person would keep their name, headline,
note or address after they are gone. Erasure finds those rows by their
dedupe keys, which say who each kind of message is about, and:

- drops the ones not sent yet that exist only because of the person (their
  request to connect, the news that they accepted one, that they ticked you
  too): nobody is told about someone who no longer exists;
- rewrites the others, sent or waiting: the person becomes "a former
  member" in a subject that names them and in the fields that do (NAME_FIELDS, as
  the message stored their name then), their address and note go, and a
  follow-up's lists of people met and suggested lose their entry (found by
  the links to them), so a follow-up still due is still sent. Nothing else
  is rewritten: another person's name, an event's title or a host's words
  that merely contain theirs stay as they were.

My data (personal_data.registry.delete_account) calls this before anything else is erased:
it reads the person's replies, hostings and requests to find the rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, union

from meetup.extensions import db
from meetup.lib.urls import external_url
from meetup.models import (
    Event,
    EventChange,
    EventHost,
    HostInvitation,
    OutboxMessage,
    OutboxStatus,
    Rsvp,
    RsvpChange,
    User,
)

FORMER_MEMBER = "a former member"
# The context fields that hold a person's name (the sender of a request, the
# one who accepted or ticked too, a host's message, an invitation, the hosts
# of a follow-up): the only ones a name is replaced in.
NAME_FIELDS = ("asker", "other", "host_name", "inviter", "host_names")
# The templates whose subject names the person (the others name an event).
SUBJECT_NAMES = ("connection_request", "connection_accepted", "stay_in_touch_mutual")

# Kinds of mail (the dedupe key's first part) that exist only because of the
# person they name, and where that person's id stands in the key (see
# services.connections.mails: _request_key and queue_mutual_mails).
_REQUEST, _ACCEPTED, _MUTUAL = "connection-request", "connection-accepted", "stay-in-touch"
# Kinds about an event the person replied to or hosted, "<kind>:<event>:...":
# a follow-up names the people met and the hosts, a host's message its host,
# an invitation's calendar part the creator as its organizer.
_BY_EVENT = ("followup", "host-message", "invitation", "event-cancelled")


def erase_mentions(user: User) -> None:
    """Take `user` out of every stored message to someone else (see the module)."""
    person = _Person.of(user)
    for message in db.session.scalars(select(OutboxMessage).where(_may_name(user))):
        named, only_theirs = _naming(message.dedupe_key, user.id)
        if not named:
            continue
        if only_theirs and message.status != OutboxStatus.SENT:
            db.session.delete(message)
            continue
        names = {person.name, *_stored_names(message)}
        if message.template in SUBJECT_NAMES:
            message.subject = person.scrubbed(message.subject, names)
        context = person.without_address(_without_entries(message.context, person))
        context = _scrub_fields(context, person, names)
        if message.template == "connection_request":
            context |= {"note": "", "met_at": ""}  # their words, their attendance
        message.context = context
    db.session.flush()


@dataclass(frozen=True)
class _Person:
    id: int
    name: str
    email: str
    profile_url: str  # the links a follow-up's entries carry to them
    ask_url: str

    @classmethod
    def of(cls, user: User) -> _Person:
        return cls(
            id=user.id,
            name=user.display_name,
            email=user.email,
            profile_url=external_url("profiles.detail", person_id=user.id),
            ask_url=external_url("connections.ask", person_id=user.id),
        )

    def without_address(self, value: Any) -> Any:
        """`value` (text, or JSON of texts) without the person's address."""
        if isinstance(value, dict):
            return {key: self.without_address(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.without_address(item) for item in value]
        return value.replace(self.email, "") if isinstance(value, str) else value

    def scrubbed(self, text: str, names: set[str]) -> str:
        """`text` with each of `names` (whole words, the longest first) said
        as a former member."""
        for name in sorted(filter(None, names), key=len, reverse=True):
            pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
            text = re.sub(pattern, lambda m: _former(m.string, m.start()), text)
        return text

    def is_linked(self, entry: Any) -> bool:
        """Is a follow-up's entry (a person met or suggested) about them?"""
        if not isinstance(entry, dict):
            return False
        connect = str(entry.get("connect_url", ""))
        return entry.get("profile_url") == self.profile_url or (
            connect == self.ask_url or connect.startswith(self.ask_url + "?")
        )


def _scrub_fields(context: dict[str, Any], person: _Person, names: set[str]) -> dict[str, Any]:
    """`context` with `names` replaced in NAME_FIELDS, and in its calendar
    invitation's organizer (the event's creator, as the REQUEST names them)."""
    scrubbed = {
        key: person.scrubbed(value, names) if key in NAME_FIELDS and isinstance(value, str)
        else value
        for key, value in context.items()
    }  # fmt: skip
    invitation = scrubbed.get("invitation")
    if isinstance(invitation, dict) and isinstance(invitation.get("organizer_name"), str):
        organizer = person.scrubbed(invitation["organizer_name"], names)
        scrubbed["invitation"] = invitation | {"organizer_name": organizer}
    return scrubbed


def _former(text: str, at: int) -> str:
    """ "A former member" where a sentence starts, else "a former member"."""
    starts = at == 0 or text[:at].rstrip().endswith((".", "!", "?", "\n"))
    return FORMER_MEMBER.capitalize() if starts else FORMER_MEMBER


def _without_entries(context: dict[str, Any], person: _Person) -> dict[str, Any]:
    """A follow-up's context without the person among the people it names."""
    return {
        key: [entry for entry in value if not person.is_linked(entry)]
        if key in ("people", "suggestions") and isinstance(value, list)
        else value
        for key, value in context.items()
    }


def _stored_names(message: OutboxMessage) -> Iterator[str]:
    """The names the message stored for the person it is about (as they were
    called then): found by the message's kind, in the context's own field."""
    field = {
        "connection_request": "asker",
        "connection_accepted": "other",
        "stay_in_touch_mutual": "other",
        "host_message": "host_name",
        "host_invitation": "inviter",
    }.get(message.template)
    value = message.context.get(field) if field and isinstance(message.context, dict) else None
    if isinstance(value, str) and value:
        yield value


def _naming(key: str, user_id: int) -> tuple[bool, bool]:
    """(Does the message of this dedupe key name the person, does it exist
    only because of them?) Mail to the person themselves is theirs, not
    here: My data (services.personal_data) erases it."""
    kind, *parts = key.split(":")
    mine = str(user_id)
    if kind == _REQUEST and len(parts) > 2:  # id, requester, addressee, time: to the addressee
        return parts[1] == mine, True
    if kind == _ACCEPTED and len(parts) > 2:  # ... to the requester, of the addressee
        return parts[2] == mine, True
    if kind == _MUTUAL and len(parts) == 4:  # event, first, second, recipient
        return mine in parts[1:3] and parts[-1] != mine, True
    return kind in (*_BY_EVENT, "host-invitation", "rsvp-change"), False


def _may_name(user: User) -> ColumnElement[bool]:
    """SQL over OutboxMessage: mail to others that may name `user` (then
    read exactly by _naming)."""
    key = OutboxMessage.dedupe_key
    events = list(db.session.scalars(_events_of(user)))
    keys = [
        *(f"host-invitation:{token_hash}" for token_hash in db.session.scalars(
            select(HostInvitation.token_hash).where(HostInvitation.event_id.in_(events)))),
        # A reply's notice to anyone, with its calendar part, of an event they created.
        *(f"rsvp-change:{change_id}" for change_id in db.session.scalars(
            select(RsvpChange.id).join(Rsvp, Rsvp.id == RsvpChange.rsvp_id).join(
                Event, Event.id == Rsvp.event_id).where(Event.created_by_id == user.id))),
    ]  # fmt: skip
    return or_(OutboxMessage.user_id.is_(None), OutboxMessage.user_id != user.id) & or_(
        *(key.like(f"{kind}:%:{user.id}:%") for kind in (_REQUEST, _ACCEPTED, _MUTUAL)),
        *(key.like(f"{kind}:{event_id}:%") for kind in _BY_EVENT for event_id in events),
        key.in_(keys) if keys else false(),
    )


def _events_of(user: User) -> Any:
    """The events whose mail may name the person: replied to, hosted,
    created or changed by them."""
    return union(
        select(Rsvp.event_id).where(Rsvp.user_id == user.id),
        select(EventHost.event_id).where(EventHost.user_id == user.id),
        select(Event.id).where(Event.created_by_id == user.id),
        select(EventChange.event_id).where(EventChange.actor_id == user.id),
    )
