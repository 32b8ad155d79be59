"""The read models carry what the pages show, decided by the services' rules:
the host decisions a reply's status allows, the event page's flags, and the
questions page's offer to add one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetup.extensions import db
from meetup.lib.errors import InvalidInput
from meetup.models import Event, Rsvp, RsvpStatus, User
from meetup.services.hosting import lifecycle
from meetup.services.pages.event_page import get_event_page, rsvp_panel
from meetup.services.rsvps import decisions
from meetup.services.rsvps.read_models import host_choices
from meetup.services.rsvps.seats import Decision, decisions_applying_to
from tests.plugins.app import sign_in

SERVICES = {
    Decision.APPROVE: decisions.approve,
    Decision.DECLINE: decisions.decline,
    Decision.LET_IN: decisions.promote,
    Decision.REMOVE: decisions.remove,
}


def test_each_status_allows_exactly_the_decisions_the_services_take(
    app, make_user, make_event, reply, host_acts
):
    """decisions_applying_to, which the hosts' pages show, against decisions.py
    itself: every decision on a reply in every status."""
    host = make_user()
    event = make_event(creator=host, is_approval_required=True, capacity=1)
    going, waitlisted, pending, not_going, declined, removed = (make_user() for _ in range(6))
    host_acts(decisions.approve, host, reply(going, event))
    host_acts(decisions.approve, host, reply(waitlisted, event))  # full: the waitlist
    reply(pending, event)
    reply(not_going, event, going=False)
    host_acts(decisions.decline, host, reply(declined, event))
    host_acts(decisions.remove, host, reply(removed, event))
    people = {
        RsvpStatus.GOING: going, RsvpStatus.WAITLISTED: waitlisted,
        RsvpStatus.PENDING: pending, RsvpStatus.NOT_GOING: not_going,
        RsvpStatus.DECLINED: declined, RsvpStatus.REMOVED: removed,
    }  # fmt: skip
    assert set(people) == set(RsvpStatus)
    for status, person in people.items():
        for decision, service in SERVICES.items():
            with app.app_context():
                rsvp = db.session.scalar(
                    db.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
                )
                assert rsvp.status == status
                try:
                    service(db.session.get(User, host.id), rsvp)
                    taken = True
                except InvalidInput:
                    taken = False
                db.session.rollback()
            assert taken == (decision in decisions_applying_to(status)), (status, decision)


def test_the_pages_offer_decline_for_a_request_and_removal_for_a_place():
    pending = host_choices(RsvpStatus.PENDING)
    assert (pending.approve, pending.decline, pending.let_in, pending.remove) == (
        True, True, False, False,
    )  # fmt: skip
    waitlisted = host_choices(RsvpStatus.WAITLISTED)
    assert (waitlisted.approve, waitlisted.let_in, waitlisted.remove) == (False, True, True)
    going = host_choices(RsvpStatus.GOING)
    assert going.remove and not (going.approve or going.decline or going.let_in)
    for status in (RsvpStatus.NOT_GOING, RsvpStatus.DECLINED, RsvpStatus.REMOVED):
        assert not host_choices(status).takes_reason


@pytest.mark.parametrize("setting", ["everyone", "attendees", "hosts"])
def test_the_event_page_carries_the_link_and_list_flags_by_viewer(
    app, make_user, make_event, reply, setting
):
    host, going, waiting, stranger = (make_user() for _ in range(4))
    event = make_event(
        creator=host, capacity=1, online_url="https://meet.example/room",
        directory_visibility=setting,
    )  # fmt: skip
    reply(going, event)
    reply(waiting, event)
    opens = {"everyone": {"anonymous", "stranger", "waiting", "going", "host"},
             "attendees": {"going", "host"}, "hosts": {"host"}}[setting]  # fmt: skip
    with app.app_context():
        for name, person in (
            ("anonymous", None), ("stranger", stranger), ("waiting", waiting),
            ("going", going), ("host", host),
        ):  # fmt: skip
            viewer = db.session.get(User, person.id) if person else None
            page = get_event_page(viewer, event.slug)
            sees_link = name in ("going", "host")
            assert page.online_link == ("https://meet.example/room" if sees_link else ""), name
            assert page.opens_attendee_list == (name in opens), name
            assert not page.offers_feedback  # not over yet
            panel = rsvp_panel(viewer, page)
            assert panel.listed_by_default == (viewer is not None), name


def test_a_place_kept_after_the_deadline_may_only_be_withdrawn(app, make_user, make_event, reply):
    person, latecomer = make_user(), make_user()
    event = make_event()
    reply(person, event)
    with app.app_context():
        moved = db.session.get(Event, event.id)
        moved.rsvp_deadline = moved.starts_at - timedelta(hours=1)
        db.session.commit()
        now = moved.starts_at - timedelta(minutes=30)
        for viewer, withdraw_only in ((person, "Replies closed on"), (latecomer, None)):
            viewer = db.session.get(User, viewer.id)
            panel = rsvp_panel(viewer, get_event_page(viewer, event.slug, now=now), now=now)
            if withdraw_only:
                assert panel.shows_form and panel.withdraw_only.startswith(withdraw_only)
            else:  # nothing to withdraw: closed
                assert panel.state == "closed" and panel.withdraw_only is None


def test_a_cancelled_event_offers_no_new_question(app, make_user, make_event):
    host = make_user()
    event = make_event(creator=host)
    client = app.test_client()
    sign_in(client, host)
    url = f"/events/{event.slug}/questions"
    assert "Add a question" in client.get(url).get_data(as_text=True)
    with app.app_context():
        lifecycle.cancel_event(db.session.get(User, host.id), db.session.get(Event, event.id))
        db.session.commit()
    assert "Add a question" not in client.get(url).get_data(as_text=True)
