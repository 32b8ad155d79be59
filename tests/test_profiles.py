"""Networking profiles: editing one's own, showing it, refusing bad input."""

from __future__ import annotations

import re

import pytest

from meetup.extensions import db
from meetup.models import ProfileVisibility, User

PASSWORD = "correct horse battery"

GOOD_PROFILE = {
    "display_name": "Grace Hopper",
    "headline": "Compiler pioneer",
    "company": "US Navy",
    "bio": "I like teaching.\r\nAnd nanoseconds.",
    "interests": " Python,  Machine   Learning , #python, C++ ",
    "offers": ["mentoring", "advice"],
    "seeks": ["collaboration"],
    "links": "https://example.org/grace\n\nhttp://blog.example.org",
    "timezone": "America/New_York",
}


@pytest.fixture
def member(client, auth, make_user) -> User:
    user = make_user(display_name="Grace")
    auth.login(user.email)
    return user


def _reload(app, user: User) -> User:
    with app.app_context():
        person = db.session.get(User, user.id)
        _ = person.interests, person.goals
        db.session.expunge(person)
        return person


def _set_visibility(app, user: User, visibility: ProfileVisibility) -> None:
    with app.app_context():
        db.session.get(User, user.id).profile_visibility = visibility
        db.session.commit()


def test_edit_profile_saves_tidied_values(app, client, member) -> None:
    response = client.submit("/profile/edit", GOOD_PROFILE)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/people/{member.id}"
    person = _reload(app, member)
    assert person.display_name == "Grace Hopper"
    assert person.bio == "I like teaching.\nAnd nanoseconds."
    assert [interest.name for interest in person.interests] == ["c++", "machine learning", "python"]
    assert [goal.value for goal in person.goals_in("offers")] == ["advice", "mentoring"]
    assert [goal.value for goal in person.goals_in("seeks")] == ["collaboration"]
    assert person.links == ["https://example.org/grace", "http://blog.example.org"]
    assert person.timezone == "America/New_York"


def test_saving_the_same_interests_again_works(app, client, member) -> None:
    assert client.submit("/profile/edit", GOOD_PROFILE).status_code == 303
    again = {**GOOD_PROFILE, "interests": "python, rust", "offers": ["mentoring"]}
    assert client.submit("/profile/edit", again).status_code == 303
    person = _reload(app, member)
    assert [interest.name for interest in person.interests] == ["python", "rust"]
    assert [goal.value for goal in person.goals_in("offers")] == ["mentoring"]


def test_edit_form_shows_the_current_profile(client, member) -> None:
    client.submit("/profile/edit", GOOD_PROFILE)
    html = client.get("/profile/edit").get_data(as_text=True)
    assert 'value="c++, machine learning, python"' in html
    assert '<option selected value="America/New_York">' in html
    assert re.search(
        r'<input checked id="offers-\d" name="offers" type="checkbox" value="mentoring">', html
    )


def test_profile_page_shows_what_the_person_wrote(app, client, member, make_user) -> None:
    client.submit("/profile/edit", GOOD_PROFILE)
    viewer = app.test_client()
    other = make_user()
    viewer.submit("/login", {"email": other.email, "password": PASSWORD})
    html = viewer.get(f"/people/{member.id}").get_data(as_text=True)
    for text in (
        "Grace Hopper",
        "Compiler pioneer",
        "US Navy",
        "machine learning",
        "Mentoring",
        "Collaboration",
        "https://example.org/grace",
        "America/New York",
    ):
        assert text in html
    assert member.email not in html  # never shown to anyone else
    assert "Edit profile" not in html.split("</header>", 1)[1].split("</header>", 1)[0]


BAD_PROFILES = [
    ({"headline": "h" * 10_000}, "headline", "Use at most 120 characters"),
    ({"company": "c" * 101}, "company", "Use at most 100 characters"),
    ({"bio": "b" * 2001}, "bio", "Use at most 2000 characters"),
    ({"display_name": ""}, "display_name", "Enter your name."),
    ({"interests": ", ".join(f"topic {n}" for n in range(16))}, "interests",
     "Choose at most 15 interests (you gave 16)."),
    ({"interests": "x" * 41}, "interests", "Keep each interest under 40 characters"),
    ({"interests": "<script>"}, "interests", "cannot be used: interests may use letters"),
    ({"links": "javascript:alert(1)"}, "links", "is not a web address"),
    ({"links": "JaVaScRiPt:alert(document.cookie)"}, "links", "is not a web address"),
    ({"links": "data:text/html,<script>alert(1)</script>"}, "links", "is not a web address"),
    ({"links": "ftp://example.org"}, "links", "is not a web address"),
    ({"links": "https://"}, "links", "is not a web address"),
    ({"links": "\n".join(f"https://example.org/{n}" for n in range(6))}, "links",
     "Add at most 5 links."),
    ({"links": "https://example.org/" + "a" * 300}, "links", "Keep each link under 300"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Choose a time zone from the list."),
    ({"timezone": ""}, "timezone", "Choose a time zone from the list."),
    ({"offers": ["astronaut"]}, "offers", "Choose from the list."),
    ({"seeks": ["hiring", "'; drop table"]}, "seeks", "Choose from the list."),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "message"), BAD_PROFILES)
def test_bad_profile_input_is_refused_at_the_field(
    app, client, member, change: dict, field: str, message: str
) -> None:
    client.submit("/profile/edit", GOOD_PROFILE)
    response = client.submit("/profile/edit", {**GOOD_PROFILE, **change})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error, f"no error at {field}"
    assert message in error.group(1)
    # Nothing was saved, and what the person typed is still in the form.
    assert _reload(app, member).headline == GOOD_PROFILE["headline"]
    if field == "headline":
        assert "h" * 200 in html


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}",
    '<a href="javascript:alert(1)">click</a>',
    "</textarea><script>alert(1)</script>",
    "'\"--><iframe src=//evil.example>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markup_in_profile_fields_is_shown_inert(app, client, member, payload: str) -> None:
    profile = {
        **GOOD_PROFILE,
        "display_name": payload[:80],
        "headline": payload,
        "company": payload[:100],
        "bio": payload,
    }
    assert client.submit("/profile/edit", profile).status_code == 303
    for page in (f"/people/{member.id}", "/profile/edit", "/"):
        html = client.get(page).get_data(as_text=True)
        assert payload not in html or not any(c in payload for c in "<>\"'"), page
        assert "<script>alert" not in html
        assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
        assert "<iframe" not in html and "<svg" not in html
    assert (
        "49"
        not in client.get(f"/people/{member.id}")
        .get_data(as_text=True)
        .split("<main", 1)[1]
        .split("Member since")[0]
    )


def test_control_characters_never_reach_the_database(app, client, member) -> None:
    profile = {**GOOD_PROFILE, "headline": "null\x00byte\x1b[31m", "bio": "a\x00b\nc"}
    assert client.submit("/profile/edit", profile).status_code == 303
    person = _reload(app, member)
    assert person.headline == "nullbyte[31m"
    assert person.bio == "ab\nc"


def test_profile_visibility_matrix(app, make_user) -> None:
    person = make_user()
    member = make_user()
    anonymous = app.test_client()
    logged_in = app.test_client()
    logged_in.submit("/login", {"email": member.email, "password": PASSWORD})
    owner = app.test_client()
    owner.submit("/login", {"email": person.email, "password": PASSWORD})
    url = f"/people/{person.id}"
    expected = {
        ProfileVisibility.PUBLIC: (200, 200, 200),
        ProfileVisibility.MEMBERS: (302, 200, 200),
        ProfileVisibility.PRIVATE: (404, 404, 200),
    }
    for visibility, statuses in expected.items():
        _set_visibility(app, person, visibility)
        got = tuple(c.get(url).status_code for c in (anonymous, logged_in, owner))
        assert got == statuses, visibility
    _set_visibility(app, person, ProfileVisibility.MEMBERS)
    assert anonymous.get(url).headers["Location"] == f"/login?next=%2Fpeople%2F{person.id}"


def test_unknown_profile_is_not_found(client) -> None:
    assert client.get("/people/999999").status_code == 404


def test_editing_needs_an_account(client) -> None:
    response = client.get("/profile/edit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
