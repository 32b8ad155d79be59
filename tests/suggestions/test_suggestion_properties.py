"""A property over random rooms: whatever the people, their fields, their
privacy, blocks and directory choices (some changed after the build), no
suggestion names someone hidden, blocked or private to the viewer, and no
reason mentions a field the viewer cannot see, or that is no longer true."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetup.extensions import db
from meetup.models import (
    Block,
    DirectoryChoice,
    Event,
    Goal,
    GoalDirection,
    ProfileVisibility,
    Rsvp,
    RsvpStatus,
    User,
    UserGoal,
    UserInterest,
)
from meetup.services import privacy
from meetup.services.suggestions import builds, lists

INTERESTS = ["go", "rust", "sql", "ml", "art"]
GOALS = [Goal.ADVICE, Goal.MENTORING, Goal.HIRING, Goal.NEW_JOB]
SENTENCES = {  # what a goal sentence claims: (the candidate's side, the viewer's side)
    r"offers (\w+), which you're looking for": ("offers", "seeks"),
    r"is looking for (\w+), which you offer": ("seeks", "offers"),
}

people = st.fixed_dictionaries(
    {
        "interests": st.sets(st.sampled_from(INTERESTS), max_size=3),
        "offers": st.sets(st.sampled_from(GOALS), max_size=2),
        "seeks": st.sets(st.sampled_from(GOALS), max_size=2),
        # Mostly people who may be suggested, so that rooms have suggestions.
        "visibility": st.sampled_from(
            [
                ProfileVisibility.PUBLIC,
                ProfileVisibility.MEMBERS,
                ProfileVisibility.MEMBERS,
                ProfileVisibility.PRIVATE,
            ]
        ),
        "listed": st.sampled_from([True, True, False]),
        "choice": st.sampled_from([None, None, DirectoryChoice.SHOWN, DirectoryChoice.HIDDEN]),
    }
)
rooms = st.lists(people, min_size=2, max_size=7).flatmap(
    lambda room: st.tuples(
        st.just(room),
        st.sets(st.tuples(st.integers(0, len(room) - 1), st.integers(0, len(room) - 1))),
        # After the build: a person made private, a block, an interest removed.
        st.lists(
            st.tuples(
                st.sampled_from(["private", "block", "drop"]),
                st.integers(0, len(room) - 1),
                st.integers(0, len(room) - 1),
            ),
            max_size=3,
        ),
    )
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rooms)
def test_no_suggestion_reveals_what_the_viewer_may_not_see(app, make_event, drawn) -> None:
    room, blocked_pairs, changes = drawn
    event = _event(app, make_event)
    with app.app_context():
        try:
            users = _seed(event, room, blocked_pairs)
            builds.build_suggestions(db.session.get(Event, event.id))
            _change(users, room, blocked_pairs, changes)
            found = lists.suggestions_for_many(
                db.session.get(Event, event.id), [user.id for user in users], limit=10
            )
            _check(users, room, blocked_pairs, found)
        finally:
            db.session.rollback()


_EVENTS: dict[int, Event] = {}


def _event(app, make_event) -> Event:
    """One event per test run (hypothesis calls the test many times)."""
    key = id(app)
    if key not in _EVENTS:
        _EVENTS.clear()
        _EVENTS[key] = make_event(directory_visibility="attendees")
    return _EVENTS[key]


def _seed(event: Event, room, blocked_pairs) -> list[User]:
    users = []
    for number, spec in enumerate(room):
        user = User(
            email=f"p{number}@example.org", display_name=f"P{number}", password_hash="-",
            profile_visibility=spec["visibility"], is_listed_in_directories=spec["listed"],
        )  # fmt: skip
        user.interests = [UserInterest(name=name) for name in spec["interests"]]
        user.goals = [UserGoal(goal=g, direction=GoalDirection.OFFERS) for g in spec["offers"]]
        user.goals += [UserGoal(goal=g, direction=GoalDirection.SEEKS) for g in spec["seeks"]]
        db.session.add(user)
        users.append(user)
    db.session.flush()
    for user, spec in zip(users, room, strict=True):
        db.session.add(Rsvp(event_id=event.id, user_id=user.id, status=RsvpStatus.GOING,
                            directory_choice=spec["choice"],
                            is_person_listed=privacy.is_listed_by_default(user)))  # fmt: skip
    for blocker, blocked in blocked_pairs:
        if blocker != blocked:
            db.session.add(Block(blocker_id=users[blocker].id, blocked_id=users[blocked].id))
    db.session.flush()
    return users


def _change(users, room, blocked_pairs, changes) -> None:
    for kind, first, second in changes:
        if kind == "private":
            users[first].profile_visibility = ProfileVisibility.PRIVATE
            room[first] = {**room[first], "visibility": ProfileVisibility.PRIVATE}
        elif kind == "block" and first != second and (first, second) not in blocked_pairs:
            db.session.add(Block(blocker_id=users[first].id, blocked_id=users[second].id))
            blocked_pairs.add((first, second))
        elif kind == "drop" and room[first]["interests"]:
            name = sorted(room[first]["interests"])[0]
            users[first].interests = [i for i in users[first].interests if i.name != name]
            room[first] = {**room[first], "interests": room[first]["interests"] - {name}}
    db.session.flush()


def _shown(spec) -> bool:
    if spec["choice"] is not None:
        return spec["choice"] == DirectoryChoice.SHOWN
    return spec["listed"] and spec["visibility"] != ProfileVisibility.PRIVATE


def _check(users, room, blocked_pairs, found) -> None:
    index = {user.id: number for number, user in enumerate(users)}
    for viewer_id, suggested in found.items():
        me = index[viewer_id]
        for suggestion in suggested:
            them = index[suggestion.user_id]
            spec, mine = room[them], room[me]
            assert them != me
            assert _shown(spec), "hidden from the directory"
            assert spec["visibility"] != ProfileVisibility.PRIVATE, "private profile"
            assert (me, them) not in blocked_pairs and (them, me) not in blocked_pairs
            assert suggestion.reasons, "a suggestion always says why"
            for reason in suggestion.reasons:
                _check_reason(reason, spec, mine)


def _check_reason(reason: str, theirs, mine) -> None:
    if reason.startswith("You both work on "):
        named = re.split(r", | and ", reason.removeprefix("You both work on "))
        assert set(named) <= theirs["interests"] & mine["interests"], reason
        return
    if "is hiring, and you're looking for a new job" in reason:
        assert Goal.NEW_JOB in mine["seeks"]
        assert Goal.HIRING in theirs["offers"] | theirs["seeks"]
        return
    if "is looking for a new job, and you're hiring" in reason:
        assert Goal.NEW_JOB in theirs["seeks"]
        assert Goal.HIRING in mine["offers"] | mine["seeks"]
        return
    for pattern, (their_side, my_side) in SENTENCES.items():
        match = re.search(pattern, reason)
        if match:
            goal = Goal(match.group(1))
            assert goal in theirs[their_side] and goal in mine[my_side], reason
            return
    raise AssertionError(f"a reason the test does not know: {reason}")
