"""Who is listed, and who is shown, in an event's list of people: each rule
written once, its Python and SQL forms read off the one definition.

A reply's person is *shown* in its event's list when they chose to be for
that event (Rsvp.directory_choice SHOWN), or made no choice there and are
*listed by default*: an account not deleted, "list me" on, and a profile
that is not "only me". Shown means the name; every other field follows
profiles.can_see_profile, and who may open the list is event_lists'.

The rules are data (_LISTED, _SHOWN): `holds` reads one over objects,
`condition` builds its SQL over tables, so the two forms cannot drift
apart. A third form reads the copy each reply keeps of its person's listing
(Rsvp.is_person_listed, kept by services.accounts.copies), for the queries
that read the replies' index alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import and_, or_

from meetup.models import DirectoryChoice, ProfileVisibility, Rsvp, User

# The rows a rule reads, by role: "reply" (an Rsvp), "person" (its User).
Rows = Mapping[str, Any]


@dataclass(frozen=True)
class _Is:
    """The `column` of the `role`'s row is `value` (or, `negated`, is not)."""

    role: str
    column: str
    value: object
    negated: bool = False

    def holds(self, rows: Rows) -> bool:
        return (getattr(rows[self.role], self.column) == self.value) is not self.negated

    def condition(self, tables: Rows) -> Any:
        column = getattr(tables[self.role], self.column)
        if self.value is None or isinstance(self.value, bool):  # IS, as SQL compares them
            return column.is_not(self.value) if self.negated else column.is_(self.value)
        return column != self.value if self.negated else column == self.value


@dataclass(frozen=True)
class _All:
    parts: tuple[Rule, ...]

    def holds(self, rows: Rows) -> bool:
        return all(part.holds(rows) for part in self.parts)

    def condition(self, tables: Rows) -> Any:
        return and_(*(part.condition(tables) for part in self.parts))


@dataclass(frozen=True)
class _Any:
    parts: tuple[Rule, ...]

    def holds(self, rows: Rows) -> bool:
        return any(part.holds(rows) for part in self.parts)

    def condition(self, tables: Rows) -> Any:
        return or_(*(part.condition(tables) for part in self.parts))


Rule = _Is | _All | _Any

_LISTED = _All((
    _Is("person", "deleted_at", None),
    _Is("person", "is_listed_in_directories", True),
    _Is("person", "profile_visibility", ProfileVisibility.PRIVATE, negated=True),
))  # fmt: skip


def _shown(listed: Rule) -> Rule:
    """Shown: their choice for the event, else `listed` (by default)."""
    return _Any((
        _Is("reply", "directory_choice", DirectoryChoice.SHOWN),
        _All((_Is("reply", "directory_choice", None), listed)),
    ))  # fmt: skip


_SHOWN = _shown(_LISTED)
_SHOWN_BY_COPY = _shown(_Is("reply", "is_person_listed", True))


def is_listed_by_default(person: User) -> bool:
    """Does `person` appear in events' lists unless they chose otherwise for
    one? (Their replies carry the answer, Rsvp.is_person_listed.)"""
    return _LISTED.holds({"person": person})


@cache
def listed_by_default_condition() -> Any:
    """SQL over User: is_listed_by_default."""
    return _LISTED.condition({"person": User})


def is_shown(reply: Rsvp, person: User) -> bool:
    """Is `reply`'s person (`person`) shown in its event's list, to whoever
    may open it?"""
    return _SHOWN.holds({"reply": reply, "person": person})


@cache  # one immutable SQL expression: built once, not on every page
def shown_condition() -> Any:
    """SQL over Rsvp joined to its User: is_shown."""
    return _SHOWN.condition({"reply": Rsvp, "person": User})


def shown_by_copies(reply: Any = Rsvp) -> Any:
    """SQL over the reply's own columns (`reply`: Rsvp or an alias): is_shown,
    with the listing its person's replies carry (Rsvp.is_person_listed)."""
    return _SHOWN_BY_COPY.condition({"reply": reply})
