"""Who may ask whom to connect, and whom one may tick on an event's list.

A person can be asked only where they are visible to the asker: a profile
the asker may see, or an event's list that shows them to the asker as an
attendee (a host's right to see every reply gives no right to ask). Never
oneself, and only with a confirmed address. Ticking follows the list alone:
the people it shows the ticker as an attendee, never across a block.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_

from meetup.models import Rsvp, RsvpStatus, User
from meetup.services.privacy.blocks import blocked_ids, not_blocked_condition
from meetup.services.privacy.event_lists import shown_in_some_list
from meetup.services.privacy.listing import shown_condition
from meetup.services.privacy.profiles import can_see_profile, is_blocked_only_by, may_open_profile


def can_ask(asker: User, person: User) -> bool:
    """May `asker` ask `person` to connect? Across a block: the blocker
    never; the person blocked where the profile opens to them
    (may_open_profile), for a block is silent, and their request is
    ignored at once."""
    if asker.id == person.id or person.deleted_at is not None or not asker.is_verified:
        return False
    if person.id in blocked_ids(asker):
        return is_blocked_only_by(asker, person) and may_open_profile(asker, person)
    return can_see_profile(asker, person) or shown_in_some_list(asker, person)


# Whether a card may offer to connect: (person id, shown, their reply's status).
AskOnList = Callable[[int, bool, RsvpStatus], bool]


def _nobody(person_id: int, shown: bool, status: RsvpStatus) -> bool:
    return False


def can_ask_on_list(asker: User | None, *, opens_as_attendee: bool) -> AskOnList:
    """can_ask for the people on one page of an event's list, each read from
    its row: the list shows them to `asker` as an attendee (the list opens
    to them without a host's rights, `opens_as_attendee`, and the person
    going is shown), never across a block, never oneself."""
    if not opens_as_attendee or asker is None or not asker.is_verified:
        return _nobody
    blocked, asker_id = blocked_ids(asker), asker.id

    def may_ask(person_id: int, shown: bool, status: RsvpStatus) -> bool:
        return (
            shown
            and status == RsvpStatus.GOING
            and person_id != asker_id
            and person_id not in blocked
        )

    return may_ask


def tickable_condition(ticker: User) -> Any:
    """SQL over Rsvp joined to its User: a reply whose person `ticker` may
    tick, where the event's list opens to them as an attendee
    (event_lists.may_open_list): going, shown, not across a block, not
    themselves."""
    return and_(
        Rsvp.status == RsvpStatus.GOING,
        shown_condition(),
        not_blocked_condition(ticker),
        User.deleted_at.is_(None),
        User.id != ticker.id,
    )
