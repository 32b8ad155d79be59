"""What a follow-up says: the event's part, read once for everyone, and each
recipient's part, built by followup_context alone.

"People you met" are the others who attended and whom the event's directory
shows the recipient as an ordinary attendee (privacy.list_shows, the
viewer no host: a hosts-only directory names nobody), never across a block,
never a deleted account; their headline only where privacy.can_see_profile
allows. The event's list is read once; each recipient's is that list less
themselves and their blocks (read for the whole event in one query), so
10,000 recipients cost 10,000 list walks of about CAP_MET steps, not
10,000 queries. No message carries anyone's email address.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from meetup.extensions import db
from meetup.lib.markdown import markdown_to_text
from meetup.lib.text import in_words
from meetup.lib.timezones import describe_span
from meetup.lib.urls import external_url, url_per_id
from meetup.models import Event, EventHost, EventTopic, FollowupKind, Rsvp, RsvpStatus, User
from meetup.services import privacy
from meetup.services.connections.ticks import tick_links
from meetup.services.events.event_mail import event_context
from meetup.services.followups.unsubscribe import unsubscribe_links
from meetup.services.outcomes.feedback import feedback_url
from meetup.services.privacy import shown_condition
from meetup.services.rsvps.attendance import attended_condition
from meetup.services.suggestions.lists import Suggestion, suggestions_for_many

CAP_MET = 20  # people named; the directory has the rest
NEXT_EVENTS = 3
SUGGESTIONS_SHOWN = 5


@dataclass(frozen=True)
class Attendee:
    """One person going to the event, as plain values (rows outlive the
    job's commits; ORM objects would be read again after each)."""

    id: int
    display_name: str
    email: str
    timezone: str
    headline: str
    profile_visibility: Any
    deleted_at: datetime | None
    is_verified: bool
    is_followup_email_wanted: bool
    shown: bool  # in the directory by their choice (directory.shown_condition)
    attended: bool  # attendance.attended_condition


@dataclass(frozen=True)
class EventFollowup:
    """What every follow-up of one event shares, read once."""

    event: Event
    attendees: list[Attendee]  # everyone going, by id
    met: list[Attendee]  # attended and shown, by name: the candidates for "people you met"
    met_ids: frozenset[int]
    blocks: dict[int, frozenset[int]]  # privacy.blocks_among over the people going
    shows_people: bool  # the directory shows its people to someone going as an attendee
    context: dict[str, Any]  # event_context, the directory's link
    # Links are most of the job's work (20 per recipient): one signer and one
    # bound URL map for the whole event.
    tick_link: Callable[[int, int], str]  # ticks.tick_links
    connect_url: Callable[[int], str]  # asking a person to connect, remembering the event
    profile_url: Callable[[int], str]
    unsubscribe_url: Callable[[int], str]  # unsubscribe.unsubscribe_links
    next_events: list[dict[str, Any]]  # upcoming public events by the same hosts
    next_events_missed: list[dict[str, Any]]  # ... or on the same topics


def read_event_followup(event: Event, *, now: datetime) -> EventFollowup:
    """Everything the event's follow-ups share: five queries, whatever the
    number of people."""
    going = select(Rsvp.user_id).where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.GOING)
    rows = db.session.execute(
        select(
            User.id,
            User.display_name,
            User.email,
            User.timezone,
            User.headline,
            User.profile_visibility,
            User.deleted_at,
            User.email_verified_at.is_not(None).label("is_verified"),
            User.is_followup_email_wanted,
            shown_condition().label("shown"),
            attended_condition(now=now, event_id=event.id).label("attended"),
        )
        .join(Rsvp, Rsvp.user_id == User.id)
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.GOING)
        .order_by(User.id)
    ).all()
    attendees = [Attendee(**row._asdict()) for row in rows]
    # Every recipient is going, so whether the directory shows its people to
    # them as an attendee is the event's answer, the same for all.
    shows_people = privacy.list_shows(
        event, person_shown=True, viewer_is_host=False, viewer_is_going=True
    )
    met = sorted(
        (a for a in attendees if a.attended and a.shown and a.deleted_at is None),
        key=lambda a: (a.display_name.lower(), a.id),
    )
    context = _event_part(event, shows_people=shows_people)
    return EventFollowup(
        event=event,
        attendees=attendees,
        met=met if shows_people else [],
        met_ids=frozenset(a.id for a in met) if shows_people else frozenset(),
        blocks=privacy.blocks_among(going),
        shows_people=shows_people,
        context=context,
        next_events=_next_events(event, now=now, same_topics=False),
        next_events_missed=_next_events(event, now=now, same_topics=True),
        tick_link=tick_links(event),
        connect_url=url_per_id("connections.ask", "person_id", event=event.slug),
        profile_url=url_per_id("profiles.detail", "person_id"),
        unsubscribe_url=unsubscribe_links(),
    )


def _event_part(event: Event, *, shows_people: bool) -> dict[str, Any]:
    """What every follow-up of `event` says of the event and its hosts."""
    return event_context(event) | {
        "directory_url": external_url("directory.people", slug=event.slug) if shows_people else "",
        # The hosts' own words (settings): their Markdown read as plain text
        # for the text part, sanitised HTML for the other.
        "host_message": markdown_to_text(event.followup_message),
        "host_message_html": event.followup_message_html,
        "host_names": in_words([host.user.display_name for host in event.hosts]),
        "feedback_url": feedback_url(event),
    }


def sample_context(event: Event, *, name: str, now: datetime) -> dict[str, Any]:
    """A full follow-up of `event` as its hosts preview it: the event's real
    part (their message, its next events) around made-up people, so that a
    preview never shows anyone's real people, suggestions or connections.
    Its personal links lead nowhere."""
    topics = [topic.name for topic in event.topics][:2] or ["networking"]
    nowhere = "#sample"
    people = [
        {"display_name": f"Sample attendee {number}", "headline": headline,
         "stay_in_touch_url": nowhere, "connect_url": nowhere}
        for number, headline in ((1, "Their headline, where their profile shows it"), (2, ""))
    ]  # fmt: skip
    suggestion = {
        "display_name": "Sample suggestion",
        "headline": "Someone at the event they should meet",
        "reasons": [f"You both work on {in_words(topics)}",
                    "Sample suggestion offers mentoring, which you're looking for"],
        "profile_url": nowhere, "stay_in_touch_url": nowhere, "connect_url": nowhere,
    }  # fmt: skip
    return _event_part(event, shows_people=True) | {
        "name": name,
        "kind": FollowupKind.FULL.value,
        "people": people,
        "more_people": 12,
        "suggestions": [suggestion],
        "next_events": _next_events(event, now=now, same_topics=False),
        "unsubscribe_url": nowhere,
        "privacy_url": external_url("profiles.privacy_settings"),
    }


def _next_events(event: Event, *, now: datetime, same_topics: bool) -> list[dict[str, Any]]:
    """Upcoming public events by the event's hosts (`same_topics`: or on one
    of its topics), soonest first."""
    by_hosts = Event.id.in_(
        select(EventHost.event_id).where(
            EventHost.user_id.in_(select(EventHost.user_id).where(EventHost.event_id == event.id))
        )
    )
    related = by_hosts
    if same_topics:
        on_topics = Event.id.in_(
            select(EventTopic.event_id).where(
                EventTopic.name.in_(select(EventTopic.name).where(EventTopic.event_id == event.id))
            )
        )
        related = or_(by_hosts, on_topics)
    events = db.session.scalars(
        select(Event)
        .where(and_(Event.is_public, Event.starts_at > now, Event.id != event.id, related))
        .order_by(Event.starts_at, Event.id)
        .limit(NEXT_EVENTS)
    )
    return [
        {
            "title": upcoming.title,
            "when": describe_span(upcoming.starts_at, upcoming.ends_at, upcoming.timezone),
            "url": external_url("events.detail", slug=upcoming.slug),
        }
        for upcoming in events
    ]


def followup_context(
    recipient: Attendee,
    kind: FollowupKind,
    shared: EventFollowup,
    *,
    suggestions: Sequence[Suggestion],
    blocked: frozenset[int],
    unsubscribe_url: str,
) -> dict[str, Any]:
    """Everything one recipient's follow-up says (JSON-ready: it is stored).
    `blocked`: the recipient's blocks among the people it may name
    (blocks_for)."""
    context = {
        **shared.context,
        "name": recipient.display_name,
        "kind": kind.value,
        "unsubscribe_url": unsubscribe_url,
        "privacy_url": external_url("profiles.privacy_settings"),
    }
    if kind == FollowupKind.MISSED:
        return context | {"next_events": shared.next_events_missed}
    suggested = [person for person in suggestions if person.user_id not in blocked]
    # Each person once: someone suggested, with the reasons to follow up,
    # is not named again among the people met (the suggestions come from
    # the same room, so the other way round would leave none).
    met, more = _people_met(recipient, shared, blocked, {p.user_id for p in suggested})
    return context | {
        "people": met,
        "more_people": more,
        "suggestions": [_suggestion(recipient, person, shared, blocked) for person in suggested],
        "next_events": shared.next_events,
    }


def _people_met(
    recipient: Attendee, shared: EventFollowup, blocked: frozenset[int], suggested: set[int]
) -> tuple[list[dict[str, Any]], int]:
    """The first CAP_MET people the recipient met, but those blocked or
    suggested, and how many more."""
    left_out = blocked | suggested
    people: list[dict[str, Any]] = []
    for person in shared.met:
        if len(people) == CAP_MET:
            break
        if person.id == recipient.id or person.id in left_out:
            continue
        people.append(_person(recipient, person, shared, blocked))
    others = len(shared.met) - (recipient.id in shared.met_ids) - len(left_out & shared.met_ids)
    return people, others - len(people)


def _person(
    recipient: Attendee, person: Attendee, shared: EventFollowup, blocked: frozenset[int]
) -> dict[str, Any]:
    shows_profile = privacy.can_see_profile(recipient, person, blocked=blocked)  # type: ignore[arg-type]
    return {
        "display_name": person.display_name,
        "headline": person.headline if shows_profile else "",
        "stay_in_touch_url": shared.tick_link(recipient.id, person.id),
        "connect_url": shared.connect_url(person.id),
    }


def _suggestion(
    recipient: Attendee, person: Suggestion, shared: EventFollowup, blocked: frozenset[int]
) -> dict[str, Any]:
    """A suggested person's links: a tick only for someone the recipient met
    at this event (the link's page accepts no one else)."""
    tickable = person.user_id in shared.met_ids
    return {
        "display_name": person.display_name,
        "headline": person.headline,
        "reasons": list(person.reasons),
        "profile_url": shared.profile_url(person.user_id),
        "stay_in_touch_url": shared.tick_link(recipient.id, person.user_id) if tickable else "",
        "connect_url": shared.connect_url(person.user_id),
    }


def blocks_for(
    shared: EventFollowup, suggestions: Mapping[int, Sequence[Suggestion]]
) -> dict[int, frozenset[int]]:
    """Each recipient's blocks among the event's people (read once) and, when
    they have suggestions, the people suggested (one more query)."""
    suggested = {person.user_id for people in suggestions.values() for person in people}
    # Suggestions are of people going, whose blocks the event's read has.
    if suggested <= {attendee.id for attendee in shared.attendees}:
        return shared.blocks
    more = privacy.blocks_among(list(suggested | set(suggestions)))
    return {
        person_id: shared.blocks.get(person_id, frozenset()) | more.get(person_id, frozenset())
        for person_id in set(shared.blocks) | set(more)
    }


def suggestions_for(
    event: Event, recipient_ids: list[int], *, now: datetime
) -> Mapping[int, Sequence[Suggestion]]:
    """Each recipient's people to meet, with their reasons, up to
    SUGGESTIONS_SHOWN each: the event's stored build read with every
    exclusion as of `now` (services.suggestions), in a few queries."""
    return suggestions_for_many(event, recipient_ids, limit=SUGGESTIONS_SHOWN, now=now)
