"""Copying an event's details: the next edition (copy_event) and the demo's
events, each through event_details (no list of fields by hand)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect, select

from meetup import demo
from meetup.extensions import db
from meetup.lib.timezones import utc_to_local
from meetup.models import Event, EventStatus, EventVisibility, HostRole, User
from meetup.services.events import questions
from meetup.services.events.event_details import NOT_COPIED
from meetup.services.hosting import lifecycle

SHIFTED = {"starts_at", "ends_at", "rsvp_deadline"}


def test_a_copy_carries_every_detail_and_none_of_the_state(app, make_user, make_event):
    creator, cohost = make_user(), make_user()
    start = utc_to_local(make_event().starts_at, "Europe/Paris").replace(tzinfo=None)
    original = make_event(
        creator=creator, cohosts=(cohost,), description="Bring **cards**.",
        online_url="https://meet.example.org/x", capacity=40, guest_limit=2,
        rsvp_deadline_local=start - timedelta(days=1), topics=["python", "design"],
        visibility="unlisted", directory_visibility="hosts", is_approval_required=True,
        what_to_bring="A laptop",
    )  # fmt: skip
    with app.app_context():
        source = db.session.get(Event, original.id)
        questions.add_question(
            db.session.get(User, creator.id), source,
            questions.QuestionDraft("Your role?", "choice", True, ["Dev", "Design"]),
        )  # fmt: skip
        lifecycle.cancel_event(db.session.get(User, creator.id), source, message="Rain.")
        copy = lifecycle.copy_event(db.session.get(User, cohost.id), source, weeks=3)
        columns = [column.key for column in inspect(Event).column_attrs]

        for name in set(columns) - NOT_COPIED - SHIFTED:
            assert getattr(copy, name) == getattr(source, name), name
        for name in SHIFTED:  # the same wall time, three weeks later
            local = [utc_to_local(getattr(e, name), e.timezone) for e in (source, copy)]
            assert local[1].replace(tzinfo=None) == local[0].replace(tzinfo=None) + timedelta(
                weeks=3
            )
        assert copy.status == EventStatus.DRAFT and copy.sequence == 0
        assert copy.cancellation_message == "" and copy.cancelled_at is None
        assert copy.published_at is None and copy.created_by_id == cohost.id
        assert copy.slug != source.slug and copy.uid != source.uid
        assert copy.visibility == EventVisibility.UNLISTED  # a detail, copied
        assert [(h.user_id, h.role) for h in copy.hosts] == [(cohost.id, HostRole.CREATOR)]
        assert sorted(t.name for t in copy.topics) == ["design", "python"]
        (asked,) = copy.questions
        (was,) = source.questions
        assert (asked.label, asked.kind, asked.choices, asked.is_required, asked.position) == (
            was.label, was.kind, was.choices, was.is_required, was.position,
        )  # fmt: skip
        assert asked.id != was.id and asked.choices is not was.choices


def test_what_a_copy_leaves_out_are_real_columns():
    assert {column.key for column in inspect(Event).column_attrs} >= NOT_COPIED


def test_the_demo_events_get_the_details_they_name(app):
    with app.app_context():
        assert demo.seed_demo()
        made = {e.title: e for e in db.session.scalars(select(Event))}
        for planned in demo.EVENTS:
            event = made[planned.title]
            assert event.visibility.value == planned.visibility
            assert event.directory_visibility.value == planned.directory_visibility
            assert event.is_approval_required == planned.is_approval_required
            assert (event.venue_name, event.online_url, event.capacity, event.guest_limit) == (
                planned.venue_name, planned.online_url, planned.capacity, planned.guest_limit,
            )  # fmt: skip
            assert sorted(t.name for t in event.topics) == sorted(planned.topics)
