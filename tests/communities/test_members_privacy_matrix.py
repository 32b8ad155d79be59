"""The member lists' privacy matrix, like the directory's: viewer × the
person's directory setting ("list me") × their choice for the community
(None, True, False) × their profile's visibility × blocks, on the members'
page (and its search), the admins' page and the admins' CSV.

A member is listed when they chose so, or made no choice and "list me" is on;
an "only me" profile is never listed; blocks hide both ways; fields follow
the profile; the admins see everyone's name, and whether they are listed."""

from __future__ import annotations

import csv
import io
import itertools
import re

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.models import Block, CommunityMember, MembershipState, ProfileVisibility, User
from meetup.services import privacy
from tests.plugins.app import sign_in

VIEWERS = ["anonymous", "stranger", "pending", "member", "blocker", "blocked", "admin"]
LIST_ME = [True, False]
CHOICES = [None, True, False]
VISIBILITIES = ["public", "members", "private"]
SUBJECTS = list(itertools.product(LIST_ME, CHOICES, VISIBILITIES))
# Who opens the members' page: members (the blocker and the blocked are members).
OPENS = {"member", "blocker", "blocked", "admin"}


def _name(list_me, choice, visibility):
    words = ("Listme" if list_me else "Unlisted", {None: "Default", True: "Shown",
             False: "Hidden"}[choice], visibility.title())  # fmt: skip
    return "Subject " + " ".join(words)


def _listed(list_me, choice, visibility):
    return visibility != "private" and (choice is True or (choice is None and list_me))


@pytest.fixture
def world(app, make_user, make_community, make_member):
    admin = make_user(display_name="Ada Admin")
    community = make_community(admins=(admin,))
    viewers = {"anonymous": None, "admin": admin}
    for name in ("stranger", "pending", "member", "blocker", "blocked"):
        viewers[name] = make_user(display_name=f"Viewer {name.title()}")
    make_member(community, viewers["pending"], MembershipState.PENDING)
    for name in ("member", "blocker", "blocked"):
        make_member(community, viewers[name], is_listed=False)
    subjects = {}
    for list_me, choice, visibility in SUBJECTS:
        person = make_user(display_name=_name(list_me, choice, visibility))
        make_member(community, person, is_listed=choice)
        with app.app_context():
            user = db.session.get(User, person.id)
            user.headline, user.company = f"Zebra {user.display_name}", "Quagga Ltd"
            user.profile_visibility = ProfileVisibility(visibility)
            user.is_listed_in_directories = list_me
            db.session.add(Block(blocker_id=viewers["blocker"].id, blocked_id=person.id))
            db.session.add(Block(blocker_id=person.id, blocked_id=viewers["blocked"].id))
            db.session.commit()
        subjects[(list_me, choice, visibility)] = person
    return community, viewers, subjects


def _client(app, person):
    client = app.test_client()
    if person is not None:
        sign_in(client, person)
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_members_page_and_its_search(app, world, viewer):
    community, viewers, _ = world
    client = _client(app, viewers[viewer])
    base = f"/communities/{community.slug}/members"
    response = client.get(base)
    if viewer not in OPENS:
        assert response.status_code == (302 if viewer == "anonymous" else 403)
        return
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Everyone is counted, listed or not: the admin, three viewers, the subjects.
    assert f"{len(SUBJECTS) + 4} members." in page
    searches = {query: client.get(f"{base}?q={query}").get_data(as_text=True)
                for query in ("zebra", "quagga", "subject")}  # fmt: skip
    for subject in SUBJECTS:
        name, cell = _name(*subject), (*subject, viewer)
        named = _listed(*subject) and viewer not in ("blocker", "blocked")
        assert (name in page) is named, cell
        # A listed member's fields: their profile opens to every member.
        assert (f"Zebra {name}" in page) is named, cell
        assert (name in searches["subject"]) is named, cell
        assert (name in searches["zebra"]) is named, cell
        assert (name in searches["quagga"]) is named, cell
    # The viewers chose not to be listed: not even to themselves.
    assert f'id="member-{viewers["member"].id}"' not in page


def _admin_rows(html):
    """Each person's row of the admins' page: name -> the row's HTML."""
    rows = {}
    for row in re.findall(r'<tr id="person-\d+">(.*?)</tr>', html, flags=re.S):
        name = re.search(r"<td>(?:<a [^>]+>)?([^<]+)", row).group(1).strip()
        rows[name] = row
    return rows


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_admins_page_and_csv(app, world, viewer):
    community, viewers, _ = world
    client = _client(app, viewers[viewer])
    base = f"/communities/{community.slug}/manage/members"
    response = client.get(base)
    csv_response = client.get(f"{base}.csv")
    if viewer != "admin":
        expected = 302 if viewer == "anonymous" else 403
        assert (response.status_code, csv_response.status_code) == (expected, expected)
        return
    rows = _admin_rows(response.get_data(as_text=True))
    table = {row["name"]: row for row in csv.DictReader(io.StringIO(csv_response.text))}
    assert set(next(iter(table.values()))) == {
        "name",
        "state",
        "admin",
        "listed",
        "joined",
        "events attended",
        "checked in",
    }  # fmt: skip: names and counts only, never an address
    assert "@example.org" not in csv_response.text
    for subject in SUBJECTS:
        name, listed = _name(*subject), _listed(*subject)
        row = rows[name]  # the admins see everyone
        assert re.search(r"<td>(yes|no)</td>", row).group(1) == ("yes" if listed else "no")
        # The fields as the admin's view of the profile: never an "only me" one's.
        assert (f"Zebra {name}" in row) is (subject[2] != "private"), subject
        assert table[name]["listed"] == ("yes" if listed else "no")
        assert table[name]["state"] == "member"


def test_the_rule_and_its_sql_twin_agree(app, world):
    community, _, subjects = world
    with app.app_context():
        sql = set(
            db.session.scalars(
                select(User.id)
                .join(CommunityMember, CommunityMember.user_id == User.id)
                .where(
                    CommunityMember.community_id == community.id,
                    privacy.community_listed_condition(),
                )
            )
        )
        for subject, person in subjects.items():
            user = db.session.get(User, person.id)
            row = db.session.get(CommunityMember, (community.id, person.id))
            listed = privacy.is_listed_in_community(row, user)
            assert listed is _listed(*subject), subject
            assert (person.id in sql) is listed, subject


def test_whom_the_list_shows_and_its_sql_twin_agree(app, world):
    """member_list_shows (Python) and member_list_condition (SQL), per viewer."""
    community, viewers, subjects = world
    with app.app_context():
        for name in ("member", "blocker", "blocked", "admin"):
            viewer = db.session.get(User, viewers[name].id)
            sql = set(
                db.session.scalars(
                    select(User.id)
                    .join(CommunityMember, CommunityMember.user_id == User.id)
                    .where(
                        CommunityMember.community_id == community.id,
                        privacy.member_list_condition(viewer),
                    )
                )
            )
            for subject, person in subjects.items():
                user = db.session.get(User, person.id)
                row = db.session.get(CommunityMember, (community.id, person.id))
                shows = privacy.member_list_shows(viewer, row, user)
                assert shows is (_listed(*subject) and name in ("member", "admin")), subject
                assert (person.id in sql) is shows, (name, subject)


def test_a_deleted_account_is_never_listed(app, make_user, make_community, make_member):
    from meetup.models.types import utcnow

    person = make_user()
    community = make_community()
    row = make_member(community, person, is_listed=True)
    with app.app_context():
        user = db.session.get(User, person.id)
        user.deleted_at = utcnow()
        assert not privacy.is_listed_in_community(row, user)


def test_the_members_page_reads_a_flat_number_of_statements(
    app, make_user, make_community, make_member, count_queries
):
    viewer = make_user()
    community = make_community()
    make_member(community, viewer)
    client = _client(app, viewer)
    url = f"/communities/{community.slug}/members"
    client.get(url)  # warm: the session and the statements built once
    counts = []
    for more in (2, 20):
        for _ in range(more):
            make_member(community, make_user(), is_listed=True)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_the_admins_page_reads_a_flat_number_of_statements(
    app, make_user, make_community, make_member, make_event, put_in_community, reply,
    count_queries,
):  # fmt: skip
    admin = make_user()
    community = make_community(admins=(admin,))
    event = put_in_community(make_event(creator=admin), community)
    client = _client(app, admin)
    counts = []
    for more in (2, 20):
        for _ in range(more):
            person = make_user()
            make_member(community, person)
            reply(person, event)
        for tab in ("members", "requests"):
            url = f"/communities/{community.slug}/manage/members?tab={tab}"
            client.get(url)
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts.append(counter.count)
    assert counts[:2] == counts[2:]
