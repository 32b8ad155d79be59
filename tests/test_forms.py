"""Bad input on every form comes back as the form, a message at the field, a 4xx."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from meetup.security import SAFE_METHODS

PASSWORD = "correct horse battery"
LONG = "x" * 10_000

# (form page, field data, field at fault, message). `{email}` is a logged-in
# account's address, for the forms that need one.
BAD_INPUT = [
    ("/signup", {"email": "", "display_name": "Al", "password": PASSWORD}, "email",
     "Enter your email address."),
    ("/signup", {"email": "not-an-email", "display_name": "Al", "password": PASSWORD}, "email",
     "Enter a valid email address"),
    ("/signup", {"email": "zoë@example.org", "display_name": "Al", "password": PASSWORD},
     "email", "Enter a valid email address"),
    ("/signup", {"email": LONG + "@example.org", "display_name": "Al", "password": PASSWORD},
     "email", "Use at most 254 characters."),
    ("/signup", {"email": "al@example.org", "display_name": "", "password": PASSWORD},
     "display_name", "Enter your name."),
    ("/signup", {"email": "al@example.org", "display_name": "   ", "password": PASSWORD},
     "display_name", "Enter your name."),
    ("/signup", {"email": "al@example.org", "display_name": LONG, "password": PASSWORD},
     "display_name", "Use at most 80 characters"),
    ("/signup", {"email": "al@example.org", "display_name": "Al", "password": "short"},
     "password", "Use at least 10 characters."),
    ("/signup", {"email": "al@example.org", "display_name": "Al", "password": LONG},
     "password", "Use at most 128 characters."),
    ("/signup", {"email": "al@example.org", "display_name": "Al"}, "password",
     "Choose a password."),
    ("/login", {"email": "", "password": PASSWORD}, "email", "Enter your email address."),
    ("/login", {"email": "al@example.org", "password": ""}, "password", "Enter your password."),
    ("/account/password", {"current_password": "", "new_password": "a long new password"},
     "current_password", "Enter your current password."),
    ("/account/password", {"current_password": PASSWORD, "new_password": "tiny"},
     "new_password", "Use at least 10 characters."),
    ("/account/password", {"current_password": PASSWORD, "new_password": LONG},
     "new_password", "Use at most 128 characters."),
    ("/account/email", {"new_email": "nope", "current_password": PASSWORD}, "new_email",
     "Enter a valid email address"),
    ("/account/email", {"new_email": "", "current_password": PASSWORD}, "new_email",
     "Enter the new email address."),
    ("/account/email", {"new_email": "{email}", "current_password": PASSWORD}, "new_email",
     "This is already your email address."),
]  # fmt: skip


@pytest.fixture
def member(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    return user


def _error_tied_to_field(html: str, field: str) -> str:
    """Return the field's error message, checking the input points at it."""
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error, f"no error shown for {field}"
    input_tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', html)
    assert input_tag, f"no input for {field}"
    assert f"{field}-error" in input_tag.group(0).split('aria-describedby="')[1].split('"')[0]
    assert 'aria-invalid="true"' in input_tag.group(0)
    return error.group(1)


@pytest.mark.parametrize(("page", "data", "field", "message"), BAD_INPUT)
def test_bad_input_is_answered_at_the_field(
    client, member, page: str, data: dict[str, str], field: str, message: str
) -> None:
    data = {name: value.replace("{email}", member.email) for name, value in data.items()}
    if page in ("/signup", "/login"):
        client.submit("/logout", {}, page="/")
    response = client.submit(page, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in _error_tied_to_field(html, field)


@pytest.mark.parametrize("page", ["/signup", "/login"])
def test_missing_csrf_token_returns_the_form_with_the_input_kept(client, page: str) -> None:
    response = client.post(page, data={"email": "kept@example.org", "password": PASSWORD})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This form has expired or did not come from this site." in html
    assert 'value="kept@example.org"' in html
    assert 'name="csrf_token"' in html


@pytest.mark.parametrize("page", ["/account/password", "/account/email"])
def test_stale_csrf_token_is_refused_for_logged_in_forms(client, member, page: str) -> None:
    response = client.post(page, data={"csrf_token": "forged", "current_password": PASSWORD})
    assert response.status_code == 422
    assert "This form has expired" in response.get_data(as_text=True)


def test_every_post_endpoint_refuses_a_missing_csrf_token(app: Flask, member) -> None:
    """A guard for views added later: no state change without the token.

    Each endpoint is tried anonymous and logged in; one of them must reach the
    CSRF check (a 4xx), and neither may succeed (the other may only redirect,
    to log in or away from a page for the other kind of visitor).
    """
    anonymous = app.test_client()
    logged_in = app.test_client()
    logged_in.submit("/login", {"email": member.email, "password": PASSWORD})
    checked = 0
    for rule in app.url_map.iter_rules():
        unsafe = (rule.methods or set()) - SAFE_METHODS
        view = app.view_functions[rule.endpoint]
        if not unsafe or rule.arguments or getattr(view, "csrf_exempt", False):
            continue
        for method in sorted(unsafe):
            statuses = [
                visitor.open(rule.rule, method=method, data={}).status_code
                for visitor in (anonymous, logged_in)
            ]
            assert any(400 <= status < 500 for status in statuses), (rule.rule, statuses)
            assert all(status >= 300 for status in statuses), (rule.rule, statuses)
            checked += 1
    assert checked >= 5


def test_labels_are_tied_to_every_input(client) -> None:
    for page in ("/signup", "/login"):
        html = client.get(page).get_data(as_text=True)
        ids = re.findall(r'<input[^>]*\bid="([^"]+)"[^>]*>', html)
        for input_id in ids:
            if input_id == "csrf_token":
                continue
            assert f'<label for="{input_id}">' in html, (page, input_id)
