"""What a host enters about an event, checked field by field and written."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import inspect

from meetup.lib.errors import InvalidInput
from meetup.lib.markdown import render_markdown
from meetup.lib.text import (
    clean_line,
    clean_tags,
    clean_text,
    clean_web_address,
    fold_for_search,
    in_words,
)
from meetup.lib.timezones import local_to_utc, timezone_names
from meetup.models import DirectoryVisibility, Event, EventQuestion, EventTopic, EventVisibility
from meetup.models.event import (
    DESCRIPTION_MAX_LENGTH,
    MAX_CAPACITY,
    ONLINE_URL_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TOPIC_MAX_LENGTH,
    VENUE_ADDRESS_MAX_LENGTH,
    VENUE_NAME_MAX_LENGTH,
    WHAT_TO_BRING_MAX_LENGTH,
)

MAX_TOPICS = 10
MAX_GUEST_LIMIT = 10
LONGEST_EVENT = timedelta(days=14)
# What the next edition of an event starts afresh: its identity, state and
# history. Every other column is a detail, copied (a new column too, unless
# it is named here).
NOT_COPIED = frozenset({
    "id", "slug", "uid", "status", "cancellation_message", "sequence",
    "created_by_id", "created_at", "updated_at", "published_at", "cancelled_at",
    "previous_edition_id",  # copy_event links the copy to its own original
    # The follow-up speaks of one edition: the next one's hosts write their own.
    "followup_message", "followup_message_html", "followup_sending",
})  # fmt: skip


@dataclass(frozen=True)
class EventDetails:
    """What a host enters about an event; times are local wall time in `timezone`."""

    title: str
    timezone: str
    starts_local: datetime
    ends_local: datetime
    description: str = ""
    venue_name: str = ""
    venue_address: str = ""
    online_url: str = ""
    capacity: int | None = None
    guest_limit: int = 0
    rsvp_deadline_local: datetime | None = None
    topics: Iterable[str] = field(default_factory=tuple)
    visibility: str = EventVisibility.PUBLIC.value
    directory_visibility: str = DirectoryVisibility.ATTENDEES.value
    is_approval_required: bool = False
    what_to_bring: str = ""
    # The slug of the community to publish it in ("": its hosts alone).
    # services.communities.events places it there; here it only allows
    # the members-only visibility.
    community: str = ""


# What an edit may change, as the event's history names it.
_DETAIL_LABELS = {
    "title": "title", "description": "description", "timezone": "time zone",
    "starts_at": "start", "ends_at": "end", "venue_name": "venue",
    "venue_address": "address", "online_url": "online link", "capacity": "capacity",
    "guest_limit": "guests allowed", "rsvp_deadline": "reply deadline", "topics": "topics",
    "visibility": "visibility", "directory_visibility": "who sees who's coming",
    "is_approval_required": "approval", "what_to_bring": "what to bring",
}  # fmt: skip


def details_snapshot(event: Event) -> dict[str, Any]:
    """What an edit may change of `event`, to compare before and after."""
    values = {name: getattr(event, name) for name in _DETAIL_LABELS if name != "topics"}
    values["topics"] = sorted(topic.name for topic in event.topics)
    return values


def describe_changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    """ "Changed the title and capacity", or "" when nothing changed."""
    changed = [label for name, label in _DETAIL_LABELS.items() if before[name] != after[name]]
    if not changed:
        return ""
    return f"Changed the {in_words(changed)}"


def details_from(source: object, **values: Any) -> EventDetails:
    """EventDetails from `source`'s attributes of the same names (those it
    has), then `values`: a record that names its fields as EventDetails does
    (the demo's) needs no list of them."""
    found = {
        name: getattr(source, name)
        for item in fields(EventDetails)
        if hasattr(source, name := item.name)
    }
    return EventDetails(**found | values)


def copied_details(event: Event) -> dict[str, Any]:
    """What the next edition of `event` starts from, as keyword arguments for
    Event(): every column but NOT_COPIED, its topics and its questions."""
    values = {name: getattr(event, name) for name in _copied_columns(Event, NOT_COPIED)}
    values["topics"] = [EventTopic(name=topic.name) for topic in event.topics]
    question_columns = _copied_columns(EventQuestion, frozenset({"id", "event_id"}))
    values["questions"] = [
        EventQuestion(**{name: copy.copy(getattr(question, name)) for name in question_columns})
        for question in event.questions
    ]
    return values


@cache
def _copied_columns(model: type, not_copied: frozenset[str]) -> tuple[str, ...]:
    return tuple(
        column.key for column in inspect(model).column_attrs if column.key not in not_copied
    )


def apply_details(event: Event, details: EventDetails, *, now: datetime, is_new: bool) -> bool:
    """Check every field, then write them; return whether a DST fold was resolved.
    Nothing is written unless every field passes."""
    title = clean_line(details.title, field="title", max_length=TITLE_MAX_LENGTH)
    if not title:
        raise InvalidInput("Give the event a title.", field="title")
    description = clean_text(
        details.description, field="description", max_length=DESCRIPTION_MAX_LENGTH
    )
    times = _checked_times(event, details, now=now, is_new=is_new)
    place = _checked_place(details)
    capacity, guest_limit = _checked_seats(details)
    what_to_bring = clean_text(
        details.what_to_bring, field="what_to_bring", max_length=WHAT_TO_BRING_MAX_LENGTH
    )
    topics = clean_tags(
        details.topics, field="topics", noun="topic", max_count=MAX_TOPICS,
        max_length=TOPIC_MAX_LENGTH,
    )  # fmt: skip
    visibility = _choice(EventVisibility, details.visibility, field="visibility")
    if visibility == EventVisibility.MEMBERS and not details.community:
        raise InvalidInput(
            "Only an event published in a community can be for its members only: "
            "choose the community, or who else can find it.",
            field="visibility",
        )
    directory = _choice(
        DirectoryVisibility, details.directory_visibility, field="directory_visibility"
    )

    event.title = title
    event.description = description
    event.description_html = render_markdown(description)
    event.timezone = details.timezone
    event.starts_at, event.ends_at = times.starts_at, times.ends_at
    event.rsvp_deadline = times.deadline
    event.venue_name, event.venue_address, event.online_url = place
    event.capacity, event.guest_limit = capacity, guest_limit
    event.what_to_bring = what_to_bring
    event.visibility, event.directory_visibility = visibility, directory
    event.is_approval_required = bool(details.is_approval_required)
    event.topics = [EventTopic(name=name) for name in topics]
    event.search_text = searchable_text(title, description, topics, *place[:2])
    return times.was_ambiguous


@dataclass(frozen=True)
class _Times:
    starts_at: datetime
    ends_at: datetime
    deadline: datetime | None
    was_ambiguous: bool  # a wall time happened twice (DST ended); the first was used


def _checked_times(event: Event, details: EventDetails, *, now: datetime, is_new: bool) -> _Times:
    if details.timezone not in timezone_names():
        raise InvalidInput("Choose a time zone from the list.", field="timezone")
    start = local_to_utc(details.starts_local, details.timezone, field="starts_at")
    end = local_to_utc(details.ends_local, details.timezone, field="ends_at")
    if end.utc <= start.utc:
        raise InvalidInput("The event must end after it starts.", field="ends_at")
    if end.utc - start.utc > LONGEST_EVENT:
        raise InvalidInput("An event can last at most 14 days.", field="ends_at")
    if (is_new or start.utc != event.starts_at) and start.utc <= now:
        raise InvalidInput("Choose a start in the future.", field="starts_at")
    if not is_new and event.ends_at <= now and end.utc != event.ends_at:
        # Its follow-ups, feedback window and report count from that end: a
        # feedback window once closed must not open again.
        raise InvalidInput("This event has ended: its end stays as it was.", field="ends_at")
    deadline = None
    if details.rsvp_deadline_local is not None:
        deadline = local_to_utc(
            details.rsvp_deadline_local, details.timezone, field="rsvp_deadline"
        ).utc
        if deadline > start.utc:
            raise InvalidInput(
                "The deadline for replies must be before the start.", field="rsvp_deadline"
            )
    return _Times(start.utc, end.utc, deadline, start.was_ambiguous or end.was_ambiguous)


def _checked_place(details: EventDetails) -> tuple[str, str, str]:
    """Venue name, venue address and online link; at least one of them."""
    venue_name = clean_line(
        details.venue_name, field="venue_name", max_length=VENUE_NAME_MAX_LENGTH
    )
    venue_address = clean_text(
        details.venue_address, field="venue_address", max_length=VENUE_ADDRESS_MAX_LENGTH
    )
    online_url = clean_web_address(
        details.online_url, field="online_url", max_length=ONLINE_URL_MAX_LENGTH
    )
    if not (venue_name or venue_address or online_url):
        raise InvalidInput("Add a venue, an online link, or both.", field="venue_name")
    return venue_name, venue_address, online_url


def _checked_seats(details: EventDetails) -> tuple[int | None, int]:
    """Capacity (None: no limit) and guests allowed per reply."""
    capacity = details.capacity
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(
            f"Capacity is a number of seats from 1 to {MAX_CAPACITY:,}; leave it empty "
            "for no limit.",
            field="capacity",
        )
    guest_limit = details.guest_limit or 0
    if not 0 <= guest_limit <= MAX_GUEST_LIMIT:
        raise InvalidInput(
            f"Allow from 0 to {MAX_GUEST_LIMIT} guests per reply.", field="guest_limit"
        )
    return capacity, guest_limit


def searchable_text(*parts: str | Iterable[str]) -> str:
    """What search matches: every part, folded (see fold_for_search), one per line."""
    flat = [part if isinstance(part, str) else "\n".join(part) for part in parts]
    return fold_for_search("\n".join(flat))


def _choice(enum_class: type[StrEnum], value: str, *, field: str) -> StrEnum:
    try:
        return enum_class(value)
    except ValueError:
        raise InvalidInput("Choose one of the options.", field=field) from None
