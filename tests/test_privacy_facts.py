"""services.privacy's facts, each against its other forms and its table.

Which test covers which fact, through the public surface:
- who may see a profile: tests/test_privacy.py, tests/directory/
  test_profile_visibility_matrix.py (pages, searches, counts);
- who sees an email address: tests/test_privacy.py, the directory matrix
  (hosts only), tests/connections (mails);
- who is listed: tests/directory/test_directory_counts.py (Python and SQL);
- who is shown: here (its three forms), the directory matrix (pages);
- who may open an event's list and whom it shows: here (the table), the
  directory matrix and tests/connections/test_connection_matrix.py
  (attendance_shown and its SQL twin);
- who may ask or tick whom: tests/connections (test_connection_matrix,
  test_stay_in_touch, test_blocks);
- the online link: here (the table), tests/hosting/test_online_link_in_mail.py,
  tests/calendar, tests/events.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import (
    DirectoryChoice,
    DirectoryVisibility,
    Event,
    ProfileVisibility,
    Rsvp,
    RsvpStatus,
    User,
)
from meetup.services import privacy


@pytest.mark.parametrize(
    ("deleted", "listed", "visibility", "choice"),
    list(
        itertools.product(
            (False, True), (False, True), list(ProfileVisibility), [None, *DirectoryChoice]
        )
    ),
)
def test_shown_has_one_answer_in_python_sql_and_the_copies(
    app, make_user, make_event, reply, deleted, listed, visibility, choice
):
    """is_shown, shown_condition and shown_by_copies (over the copy a reply
    keeps of its person's listing) agree for every person and choice."""
    person, event = make_user(), make_event()
    reply(person, event)
    with app.app_context():
        user = db.session.get(User, person.id)
        user.is_listed_in_directories, user.profile_visibility = listed, visibility
        if deleted:
            user.deleted_at = user.created_at
        rsvp = db.session.scalar(select(Rsvp).where(Rsvp.user_id == user.id))
        rsvp.directory_choice = choice
        rsvp.is_person_listed = privacy.is_listed_by_default(user)
        db.session.flush()
        in_sql, by_copies = db.session.execute(
            select(privacy.shown_condition(), privacy.shown_by_copies(Rsvp))
            .join(User, User.id == Rsvp.user_id)
            .where(Rsvp.id == rsvp.id)
        ).one()
        expected = choice == DirectoryChoice.SHOWN or (
            choice is None and not deleted and listed and visibility != ProfileVisibility.PRIVATE
        )
        assert privacy.is_shown(rsvp, user) is expected
        assert bool(in_sql) is expected  # SQL says NULL for no, where a condition meets a NULL
        assert bool(by_copies) is expected
        db.session.rollback()


# (setting, the viewer hosts, the viewer is going) -> may they open the list?
OPENS = {
    (DirectoryVisibility.EVERYONE, False, False): True,
    (DirectoryVisibility.EVERYONE, False, True): True,
    (DirectoryVisibility.ATTENDEES, False, False): False,
    (DirectoryVisibility.ATTENDEES, False, True): True,
    (DirectoryVisibility.HOSTS, False, False): False,
    (DirectoryVisibility.HOSTS, False, True): False,
}


@pytest.mark.parametrize(
    ("setting", "host", "going", "shown"),
    list(itertools.product(list(DirectoryVisibility), (False, True), (False, True), (False, True))),
)
def test_who_opens_an_events_list_and_whom_it_shows(setting, host, going, shown):
    event = Event(directory_visibility=setting)
    opens = True if host else OPENS[(setting, host, going)]
    assert privacy.may_open_list(event, viewer_is_host=host, viewer_is_going=going) is opens
    shows = privacy.list_shows(
        event, person_shown=shown, viewer_is_host=host, viewer_is_going=going
    )
    assert shows is (host or (shown and opens))
    assert privacy.attendance_shown(event, person_shown=shown) is (
        shown and OPENS[(setting, False, True)]
    )


@pytest.mark.parametrize(
    ("status", "host"), list(itertools.product([None, *RsvpStatus], (False, True)))
)
def test_the_online_link_is_for_hosts_and_people_going(status, host):
    event = Event(online_url="https://meet.example.org/x")
    expected = host or status == RsvpStatus.GOING
    assert privacy.sees_online_link(reply_status=status, viewer_is_host=host) is expected
    link = privacy.online_link_for(event, reply_status=status, viewer_is_host=host)
    assert link == (event.online_url if expected else "")
