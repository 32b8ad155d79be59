"""Log in, sign up and password changes are throttled (Flask-Limiter)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import pytest
from flask_limiter.util import get_qualified_name

from meetup.extensions import READING_METHODS, limiter

PASSWORD = "correct horse battery"


def test_log_in_is_throttled_per_account_after_repeated_failures(app, auth, make_user) -> None:
    user = make_user()
    for _ in range(5):
        assert auth.login(user.email, "wrong password!").status_code == 422
    response = auth.login(user.email, PASSWORD)  # even the right password now waits
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many attempts" in html
    assert "wait a few minutes" in html
    assert int(response.headers["Retry-After"]) > 0


def test_per_account_throttle_holds_across_ip_addresses(app, make_user) -> None:
    user = make_user()
    for number in range(6):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
        response = client.submit("/login", {"email": user.email, "password": "wrong password!"})
    assert response.status_code == 429


def test_successful_logins_do_not_count_against_the_account(app, auth, make_user) -> None:
    user = make_user()
    for _ in range(8):
        assert auth.login(user.email).status_code == 303
        auth.logout()


def test_other_accounts_are_not_throttled_by_one_attack(app, auth, make_user) -> None:
    victim, bystander = make_user(), make_user()
    for _ in range(6):
        auth.login(victim.email, "wrong password!")
    assert auth.login(bystander.email).status_code == 303


def test_log_in_is_throttled_per_ip_address(app, client) -> None:
    statuses = [
        client.submit(
            "/login", {"email": f"guess{n}@example.org", "password": "wrong password!"}
        ).status_code
        for n in range(31)
    ]
    assert statuses[:30] == [422] * 30
    assert statuses[30] == 429


def test_sign_up_is_throttled_per_ip_address(app, client) -> None:
    statuses = [
        client.submit(
            "/signup", {"email": "bad", "display_name": "X", "password": "short"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[-1] == 429


def test_password_change_is_throttled_per_account(app, client, auth, make_user) -> None:
    auth.login(make_user().email)
    statuses = [
        client.submit(
            "/account/password",
            {"current_password": "wrong password!", "new_password": "a new passphrase"},
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_limits_are_shared_through_redis_when_configured(tmp_path) -> None:
    """Two app processes share one Redis: failures in one throttle the other.

    Run in subprocesses because the limiter is one object per process.
    """
    script = textwrap.dedent(
        """
        import sys, re, flask_migrate
        from meetup import create_app
        from meetup.extensions import db
        from meetup.services.accounts.credentials import register_user
        app = create_app({
            "TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": sys.argv[1],
            "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/15",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        })
        with app.app_context():
            if sys.argv[2] == "setup":
                flask_migrate.upgrade()
                register_user(email="r@example.org", display_name="R", password="x" * 12)
                db.session.commit()
                from meetup.extensions import limiter
                limiter.reset()
        client = app.test_client()
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        for _ in range(int(sys.argv[3])):
            response = client.post("/login", data={
                "csrf_token": token, "email": "r@example.org", "password": "wrong-password"})
        print(response.status_code)
        """
    )
    url = f"sqlite:///{tmp_path / 'redis.sqlite3'}"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script, url, *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=60,
        )
        return result.stdout.strip().splitlines()[-1]

    assert run("setup", "5") == "422"
    assert run("again", "1") == "429"


def test_every_limit_guards_a_write(app) -> None:
    """Reads skip the limiter (meetup.extensions), so a limit that applied to a
    GET would silently never trigger: each must apply to unsafe methods only."""
    methods_of = {rule.endpoint: set(rule.methods or ()) for rule in app.url_map.iter_rules()}
    endpoint_of = {get_qualified_name(view): name for name, view in app.view_functions.items()}
    decorated = limiter.limit_manager._decorated_limits
    assert len(decorated) >= 8  # log-in, sign-up, resets, invitations, messages, connections
    for view_name, limits in decorated.items():
        route_methods = methods_of[endpoint_of[view_name]] - {"HEAD", "OPTIONS"}
        for limit in limits:
            applies_to = {
                method for method in route_methods
                if not limit.methods or method.lower() in limit.methods
            }  # fmt: skip
            assert applies_to, view_name
            assert not applies_to & READING_METHODS, view_name


def test_reads_of_a_limited_page_are_never_refused(app, auth, make_user, make_event) -> None:
    """The hosts' invitation page is limited on POST only: reading it is free."""
    host = make_user()
    event = make_event(creator=host)
    auth.login(host.email)
    statuses = {auth.client.get(f"/events/{event.slug}/hosts").status_code for _ in range(40)}
    assert statuses == {200}
