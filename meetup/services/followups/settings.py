"""The hosts' say in their event's follow-up email: their own words, and when
(or whether) it goes. The follow-up job reads both; every change is recorded
in the event's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from meetup.lib.errors import InvalidInput
from meetup.lib.markdown import render_markdown
from meetup.lib.text import clean_text
from meetup.lib.timezones import describe_lead_time
from meetup.models import Event, EventStatus, FollowupSending, User
from meetup.models.event import FOLLOWUP_MESSAGE_MAX_LENGTH
from meetup.models.types import utcnow
from meetup.services.events.history import HistoryLine, latest_changes, record_change
from meetup.services.events.lookup import require_host
from meetup.services.followups.context import sample_context
from meetup.services.followups.sending import followups_queued, full_subject, is_followed_up

SENDING_LABELS = {
    FollowupSending.AUTOMATIC: "Send automatically, the morning after the event",
    FollowupSending.NOW: "Send now (the event has ended)",
    FollowupSending.NEVER: "Don't send a follow-up",
}
_HISTORY_LABELS = {
    FollowupSending.AUTOMATIC: "Follow-up: send automatically",
    FollowupSending.NOW: "Follow-up: send now",
    FollowupSending.NEVER: "Follow-up: don't send",
}


@dataclass(frozen=True)
class FollowupSettings:
    """What the hosts' follow-up tab shows."""

    message: str
    sending: FollowupSending
    has_ended: bool
    is_cancelled: bool
    queued: int  # people whose follow-up went out so far
    is_done: bool  # every follow-up went out: nothing left to change
    history: list[HistoryLine]


@dataclass(frozen=True)
class FollowupPreview:
    subject: str
    context: dict[str, Any]  # the full follow-up's, around made-up people


def followup_settings(
    actor: User, event: Event, *, now: datetime | None = None
) -> FollowupSettings:
    """:raise PermissionDenied: `actor` is not a host."""
    require_host(actor, event)
    return FollowupSettings(
        message=event.followup_message,
        sending=event.followup_sending,
        has_ended=event.ends_at <= (now or utcnow()),
        is_cancelled=event.status == EventStatus.CANCELLED,
        queued=followups_queued(event),
        is_done=is_followed_up(event),
        history=latest_changes(event),
    )


def preview_followup(actor: User, event: Event, *, now: datetime | None = None) -> FollowupPreview:
    """The follow-up as a person who came would get it, with made-up people
    in place of real ones (context.sample_context), addressed to `actor`.

    :raise PermissionDenied: `actor` is not a host.
    """
    require_host(actor, event)
    context = sample_context(event, name=actor.display_name, now=now or utcnow())
    return FollowupPreview(subject=full_subject(event), context=context)


def update_followup(
    actor: User,
    event: Event,
    *,
    message: str,
    sending: str,
    max_age: timedelta,
    now: datetime | None = None,
) -> list[str]:
    """Set the hosts' message (Markdown, sanitised like descriptions) and when
    the follow-up goes; return what changed, as the history records it.

    :raise PermissionDenied: `actor` is not a host.
    :raise InvalidInput: a cancelled event, or one followed up already;
        "send now" before the end or after `max_age` (MEETUP_FOLLOWUP_MAX_AGE,
        when the job stops looking); a message too long; an unknown choice
        (the error names the field).
    """
    require_host(actor, event)
    now = now or utcnow()
    if event.status == EventStatus.CANCELLED:
        raise InvalidInput("A cancelled event sends no follow-up.")
    if is_followed_up(event):
        raise InvalidInput("Every follow-up of this event has gone out: nothing left to change.")
    try:
        chosen = FollowupSending(sending)
    except ValueError:
        raise InvalidInput("Choose when the follow-up goes out.", field="sending") from None
    if chosen == FollowupSending.NOW and event.ends_at > now:
        raise InvalidInput(
            "The event has not ended yet: choose to send automatically, or come back "
            "once it has ended to send it at once.",
            field="sending",
        )
    if chosen == FollowupSending.NOW and event.ends_at <= now - max_age:
        longest = describe_lead_time(int(max_age.total_seconds() // 60))
        raise InvalidInput(
            f"Follow-ups go out within {longest} of an event's end; this one ended before that.",
            field="sending",
        )
    text = clean_text(message, field="message", max_length=FOLLOWUP_MESSAGE_MAX_LENGTH)
    changes: list[str] = []
    if text != event.followup_message:
        if not text:
            changes.append("Removed the follow-up message")
        else:
            changes.append(
                "Changed the follow-up message" if event.followup_message
                else "Wrote the follow-up message"
            )  # fmt: skip
        event.followup_message = text
        event.followup_message_html = render_markdown(text) if text else ""
    if chosen != event.followup_sending:
        changes.append(_HISTORY_LABELS[chosen])
        event.followup_sending = chosen
    for summary in changes:
        record_change(event, actor, summary, now=now)
    return changes
