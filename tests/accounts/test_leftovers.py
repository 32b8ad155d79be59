"""Deleting an account leaves nothing of the person in the mail queue, and My
data lists all of their mail, to every address they used; private pages are
never kept by caches."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from meetup.extensions import db
from meetup.models import OutboxMessage, OutboxStatus, User
from meetup.outbox import Mail, queue_mail

PASSWORD = "correct horse battery"


def _log_in(client, email: str) -> None:
    assert client.submit("/login", {"email": email, "password": PASSWORD}).status_code == 303


def _all_mail(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def _queue_legacy(app, *, to: str, key: str, template: str = "email_changed", **context) -> None:
    """A row as queued before outbox rows named their member."""
    with app.app_context():
        queue_mail(
            Mail(to=to, subject=f"For {to}", template=template, dedupe_key=key, context=context)
        )
        db.session.commit()


def test_deletion_clears_the_persons_mail_and_only_theirs(app, client, make_user) -> None:
    person = make_user(email="grace@example.org", display_name="Grace Hopper")
    other = make_user(email="other@example.org")
    _log_in(client, "grace@example.org")
    # Mail of every kind: a pending confirmation to another address, the
    # notice to the current one, a reset link (sent), and legacy rows to a
    # former address and to the address of an old confirmation.
    client.submit(
        "/account/email", {"new_email": "grace@newjob.example", "current_password": PASSWORD}
    )
    client.submit("/password/forgot", {"email": "grace@example.org"}, page="/password/forgot")
    with app.app_context():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.template == "reset_password")
            .values(status=OutboxStatus.SENT)
        )
        db.session.commit()
    _queue_legacy(
        app,
        to="grace@oldjob.example",
        key=f"email-changed:{person.id}:legacy",
        name="Grace Hopper",
        new_email="grace@example.org",
    )
    _queue_legacy(
        app,
        to="grace@typo.example",
        key=f"confirm-email-change:{person.id}:legacy",
        template="confirm_email_change",
        name="Grace Hopper",
    )
    _queue_legacy(app, to="other@example.org", key="for-someone-else", name="Other")

    exported = json.loads(client.get("/account/data.json").get_data(as_text=True))["mail"]
    assert {m["to"] for m in exported} == {
        "grace@example.org",
        "grace@newjob.example",
        "grace@oldjob.example",
        "grace@typo.example",
    }

    assert client.submit("/account/delete", {"password": PASSWORD}).status_code == 303
    left = _all_mail(app)
    theirs = [m for m in left if m.recipient != "other@example.org"]
    # Only the sent message stays, as a count: nothing in it names the person.
    assert [m.status for m in theirs] == [OutboxStatus.SENT]
    residue = json.dumps(
        [[m.recipient, m.subject, m.context, m.headers, m.calendar] for m in theirs]
    )
    for fragment in ("grace", "Grace", "Hopper", "example"):
        assert fragment not in residue.replace("deleted.invalid", "")
    # Someone else's mail is untouched.
    assert [m.recipient for m in left if m.recipient == "other@example.org"] == [other.email]


def test_mail_records_the_member_it_concerns(app, client, make_user, outbox) -> None:
    person = make_user(email="ada@example.org")
    _log_in(client, "ada@example.org")
    client.submit("/account/email", {"new_email": "ada@new.example", "current_password": PASSWORD})
    assert {m.user_id for m in outbox.messages()} == {person.id}


def test_former_addresses_are_kept_for_my_data(app, client, make_user, outbox) -> None:
    make_user(email="ada@example.org")
    _log_in(client, "ada@example.org")
    client.submit("/account/email", {"new_email": "ada@new.example", "current_password": PASSWORD})
    client.get(outbox.link("ada@new.example"))
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert [entry["email"] for entry in data["former_emails"]] == ["ada@example.org"]
    assert data["account"]["email"] == "ada@new.example"
    assert "Firefox" not in json.dumps(data["sessions"])  # the test client's own label
    assert len(data["sessions"]) == 1


PRIVATE_PAGES = [
    "/account",
    "/account/sessions",
    "/account/email",
    "/account/password",
    "/account/data",
    "/account/data.json",
    "/account/privacy",
    "/account/calendar",
    "/profile/edit",
    "/my/events",
    "/events/{slug}/dashboard",
    "/events/{slug}/replies",
    "/events/{slug}/replies.csv",
    "/events/{slug}/people.csv",
    "/events/{slug}/check-in",
    "/events/{slug}/calendar.ics",
    "/events/{slug}/edit",
    "/events/{slug}",
    "/",
]


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_pages_for_a_logged_in_person_are_never_stored(
    app, client, make_user, make_event, path: str
) -> None:
    host = make_user()
    event = make_event(creator=host)
    _log_in(client, host.email)
    response = client.get(path.format(slug=event.slug))
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "private, no-store"


def test_secret_link_pages_are_never_stored(app, client, make_user, outbox) -> None:
    make_user(email="ada@example.org")
    client.submit("/password/forgot", {"email": "ada@example.org"})
    response = client.get(outbox.link("ada@example.org"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_public_pages_and_feeds_keep_their_caching(app, client, make_event) -> None:
    event = make_event()
    assert "no-store" not in client.get(f"/events/{event.slug}").headers.get("Cache-Control", "")
    assert client.get("/calendar/events.ics").headers["Cache-Control"] == "public, max-age=300"
    assert client.get(f"/events/{event.slug}/calendar.ics").headers["Cache-Control"] == "no-cache"


def test_the_deleted_account_has_no_user_left_in_its_mail(app, client, make_user) -> None:
    person = make_user(email="ada@example.org")
    _log_in(client, "ada@example.org")
    client.submit("/account/email", {"new_email": "ada@new.example", "current_password": PASSWORD})
    client.submit("/account/delete", {"password": PASSWORD})
    with app.app_context():
        assert db.session.get(User, person.id).pending_email is None
        assert (
            db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == person.id))
            is None
        )
