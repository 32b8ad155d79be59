"""The admins' members pages and CSV: the events of the community each person
attended (the one "attended" rule) and was checked in at, the requests with
their answers, the tabs, and cells safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import update

from meetup.extensions import db
from meetup.models import Event, MembershipState, Rsvp
from meetup.models.types import utcnow
from tests.plugins.app import sign_in


def _started(app, event, *, checked_in=()):
    """The event began an hour ago; `checked_in`: the people the hosts let in."""
    started = utcnow() - timedelta(hours=1)
    with app.app_context():
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(starts_at=started, ends_at=started + timedelta(hours=2))
        )
        for person in checked_in:
            db.session.execute(
                update(Rsvp)
                .where(Rsvp.event_id == event.id, Rsvp.user_id == person.id)
                .values(checked_in_at=started)
            )
        db.session.commit()


def test_attended_and_checked_in_per_member(
    app, make_user, make_community, make_member, make_event, put_in_community, reply
):
    admin = make_user(display_name="Ada Admin")
    regular = make_user(display_name="=HYPERLINK(1)")
    newcomer = make_user(display_name="Newcomer")
    community = make_community(admins=(admin,))
    for person in (regular, newcomer):
        make_member(community, person)
    # Two past editions: check-in skipped at the first, taken seriously at the second.
    first = put_in_community(make_event(creator=admin), community)
    second = put_in_community(make_event(creator=admin), community)
    elsewhere = make_event()  # not the community's: never counted
    for event in (first, second, elsewhere):
        reply(regular, event)
    reply(newcomer, second)
    _started(app, first)
    _started(app, second, checked_in=(regular,))
    _started(app, elsewhere, checked_in=(regular,))
    upcoming = put_in_community(make_event(creator=admin), community)
    reply(newcomer, upcoming)

    client = app.test_client()
    sign_in(client, admin)
    response = client.get(f"/communities/{community.slug}/manage/members.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(response.text))}
    # A name that would be a formula is made inert.
    regular_row = rows["'=HYPERLINK(1)"]
    assert (regular_row["events attended"], regular_row["checked in"]) == ("2", "1")
    # At the second only those checked in attended: the newcomer was not.
    assert (rows["Newcomer"]["events attended"], rows["Newcomer"]["checked in"]) == ("0", "0")
    assert rows["Ada Admin"]["admin"] == "yes" and rows["Newcomer"]["admin"] == "no"

    page = client.get(f"/communities/{community.slug}/manage/members").get_data(as_text=True)
    assert "=HYPERLINK(1)" in page and "Ada Admin" in page and ", admin" in page


def test_the_tabs_show_each_standing(app, make_user, make_community, make_member):
    admin = make_user()
    community = make_community(admins=(admin,))
    names = {}
    for state in MembershipState:
        person = make_user(display_name=f"Person {state.value.title()}")
        make_member(community, person, state)
        names[state] = person.display_name
    client = app.test_client()
    sign_in(client, admin)
    base = f"/communities/{community.slug}/manage/members"
    pages = {tab: client.get(f"{base}?tab={tab}").get_data(as_text=True)
             for tab in ("members", "requests", "removed")}  # fmt: skip
    expected = {
        "members": {MembershipState.MEMBER},
        "requests": {MembershipState.PENDING},
        "removed": {MembershipState.DECLINED, MembershipState.REMOVED, MembershipState.BLOCKED},
    }
    for tab, states in expected.items():
        for state, name in names.items():
            assert (name in pages[tab]) is (state in states), (tab, state)
    assert "Members (2)" in pages["members"] and "Requests (1)" in pages["members"]
    assert "Declined, removed and blocked (3)" in pages["members"]
    assert "Unblock" in pages["removed"] and "Approve" in pages["requests"]
    # An unknown tab is the members' tab.
    assert names[MembershipState.MEMBER] in client.get(f"{base}?tab=x").get_data(as_text=True)
