"""Co-hosts by invitation only: any address can be invited and gets an email;
the person with that confirmed address accepts; until then they are shown
nowhere; the form answers the same whatever the address; a co-host may step
down; only the creator invites, revokes and removes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.lib.errors import InvalidInput, NotFound
from meetup.models import Event, EventHost, EventStatus, ProfileVisibility, User
from meetup.models.types import utcnow
from meetup.services.hosting import hosts
from meetup.services.personal_data import registry
from tests.plugins.app import DEFAULT_PASSWORD, sign_in


def _client(app, person=None):
    client = app.test_client()
    if person is not None:
        sign_in(client, person)
    return client


def _host_ids(app, event) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(select(EventHost.user_id).where(EventHost.event_id == event.id))
        )


def _invite(client, event, email):
    return client.submit(f"/events/{event.slug}/hosts", {"email": email})


def _flashes(html: str) -> list[str]:
    return re.findall(r'class="flash[^"]*"[^>]*>(.*?)<', html, re.S)


def test_the_form_answers_the_same_whatever_the_address(app, make_user, make_event, outbox):
    creator = make_user()
    event = make_event(creator=creator)
    member = make_user(display_name="Priya Private", email="priya@example.org")
    with app.app_context():
        db.session.get(User, member.id).profile_visibility = ProfileVisibility.PRIVATE
        db.session.commit()
    make_user(verified=False, display_name="Una Unconfirmed", email="una@example.org")
    client = _client(app, creator)
    answers = set()
    for address in ("priya@example.org", "una@example.org", "nobody@example.org",
                    creator.email):  # fmt: skip
        response = _invite(client, event, address)
        assert response.status_code == 303, address
        page = client.get(response.location).get_data(as_text=True)
        assert "Priya Private" not in page and "Una Unconfirmed" not in page
        answers.add(tuple(flash.replace(address, "ADDRESS") for flash in _flashes(page)))
        # Every address gets an email, and nobody is a host yet.
        message = outbox.last(address)
        assert message.template == "host_invitation"
        assert "/host-invitations/" in message.context["url"]
    assert len(answers) == 1, answers
    assert _host_ids(app, event) == {creator.id}


def test_until_accepted_the_invitee_is_shown_nowhere(app, make_user, make_event, outbox):
    creator = make_user()
    event = make_event(creator=creator, title="Founders breakfast")
    invitee = make_user(display_name="Ines Invited")
    with app.app_context():
        db.session.get(User, invitee.id).profile_visibility = ProfileVisibility.PUBLIC
        db.session.commit()
    _invite(_client(app, creator), event, invitee.email)
    for client in (_client(app), _client(app, make_user())):
        assert "Ines Invited" not in client.get(f"/events/{event.slug}").get_data(as_text=True)
        assert "Founders breakfast" not in client.get(f"/people/{invitee.id}").get_data(
            as_text=True
        )
        assert client.get(f"/people/{invitee.id}/events").status_code == 404
        assert client.get(f"/people/{invitee.id}/calendar.ics").status_code == 404
    # Accepted: now a host, and shown as one.
    accept = outbox.link(invitee.email)
    mine = _client(app, invitee)
    assert "Founders breakfast" in mine.get(accept).get_data(as_text=True)
    assert mine.submit(accept, {}).status_code == 303
    assert _host_ids(app, event) == {creator.id, invitee.id}
    assert "Ines Invited" in _client(app).get(f"/events/{event.slug}").get_data(as_text=True)


def test_accepting_needs_the_account_with_that_confirmed_address(
    app, make_user, make_event, outbox
):
    creator = make_user()
    event = make_event(creator=creator)
    _invite(_client(app, creator), event, "later@example.org")
    accept = outbox.link("later@example.org")
    # Not logged in: asked to log in (or sign up) first.
    response = _client(app).get(accept)
    assert response.status_code == 302 and "/login" in response.location
    # Someone else's account: refused, nothing changes.
    other = _client(app, make_user())
    assert other.get(accept).status_code == 403
    assert other.submit(accept, {}, page="/").status_code == 403
    # The address, not yet confirmed: refused, with a reason.
    person = make_user(verified=False, email="later@example.org")
    unconfirmed = _client(app, person)
    response = unconfirmed.submit(accept, {}, page="/")
    assert response.status_code == 403
    assert "confirm" in response.get_data(as_text=True).lower()
    assert _host_ids(app, event) == {creator.id}
    with app.app_context():
        db.session.get(User, person.id).email_verified_at = utcnow()
        db.session.commit()
    assert unconfirmed.submit(accept, {}).status_code == 303
    assert _host_ids(app, event) == {creator.id, person.id}
    # Used once.
    assert unconfirmed.get(accept).status_code == 404
    assert _client(app, person).get(f"/events/{event.slug}/edit").status_code == 200


def test_an_invitation_expires_after_seven_days(app, make_user, make_event, outbox):
    creator = make_user()
    invitee = make_user()
    event = make_event(creator=creator)
    _invite(_client(app, creator), event, invitee.email)
    token = outbox.link(invitee.email).rsplit("/", 1)[1]
    with app.app_context():
        person = db.session.get(User, invitee.id)
        with pytest.raises(NotFound):
            hosts.accept_host_invitation(person, token, now=utcnow() + timedelta(days=7, hours=1))
        assert hosts.pending_invitations(
            db.session.get(User, creator.id), db.session.get(Event, event.id),
            now=utcnow() + timedelta(days=7, hours=1),
        ) == []  # fmt: skip
        hosts.accept_host_invitation(person, token, now=utcnow() + timedelta(days=6))
        db.session.commit()
    assert invitee.id in _host_ids(app, event)


def test_the_creator_sees_and_revokes_pending_invitations(app, make_user, make_event, outbox):
    creator, cohost = make_user(), make_user()
    event = make_event(creator=creator, cohosts=(cohost,))
    as_creator = _client(app, creator)
    _invite(as_creator, event, "pending.person@example.org")
    page = as_creator.get(f"/events/{event.slug}/hosts").get_data(as_text=True)
    assert "pending.person@example.org" in page
    cohost_page = _client(app, cohost).get(f"/events/{event.slug}/hosts").get_data(as_text=True)
    assert "pending.person@example.org" not in cohost_page
    with app.app_context():
        (invitation,) = hosts.pending_invitations(
            db.session.get(User, creator.id), db.session.get(Event, event.id)
        )
        invitation_id = invitation.id
    revoke = f"/events/{event.slug}/host-invitations/{invitation_id}/revoke"
    assert _client(app, cohost).submit(revoke, {}, page="/").status_code == 403
    assert as_creator.submit(revoke, {}, page="/").status_code == 303
    assert "pending.person@example.org" not in as_creator.get(
        f"/events/{event.slug}/hosts"
    ).get_data(as_text=True)
    invitee = make_user(email="pending.person@example.org")
    assert _client(app, invitee).get(outbox.link("pending.person@example.org")).status_code == 404


def test_a_cohost_may_step_down_and_the_creator_may_not(app, make_user, make_event):
    creator, cohost = make_user(), make_user()
    event = make_event(creator=creator, cohosts=(cohost,))
    as_cohost = _client(app, cohost)
    response = as_cohost.submit(f"/events/{event.slug}/hosts/{cohost.id}/remove", {}, page="/")
    assert response.status_code == 303
    assert _host_ids(app, event) == {creator.id}
    assert as_cohost.get(f"/events/{event.slug}/edit").status_code == 403
    as_creator = _client(app, creator)
    response = as_creator.submit(f"/events/{event.slug}/hosts/{creator.id}/remove", {}, page="/")
    assert response.status_code == 404  # the creator is not a co-host
    assert _host_ids(app, event) == {creator.id}


@pytest.mark.parametrize("who", ["anonymous", "member", "attendee", "cohost", "other_cohost",
                                 "creator"])  # fmt: skip
def test_who_may_invite_revoke_and_remove(app, make_user, make_event, reply, outbox, who):
    creator, cohost, other_cohost = make_user(), make_user(), make_user()
    member, attendee = make_user(), make_user()
    event = make_event(creator=creator, cohosts=(cohost, other_cohost))
    reply(attendee, event)
    _invite(_client(app, creator), event, "someone@example.org")
    with app.app_context():
        (invitation,) = hosts.pending_invitations(
            db.session.get(User, creator.id), db.session.get(Event, event.id)
        )
        invitation_id = invitation.id
    people = {"anonymous": None, "member": member, "attendee": attendee, "cohost": cohost,
              "other_cohost": other_cohost, "creator": creator}  # fmt: skip
    client = _client(app, people[who])
    token = client.csrf_token("/login" if who == "anonymous" else "/")

    def post(url, data=None):
        return client.post(url, data={"csrf_token": token, **(data or {})}).status_code

    expected = {
        "anonymous": {"page": 302, "invite": 302, "revoke": 302, "remove": 302},
        "member": {"page": 403, "invite": 403, "revoke": 403, "remove": 403},
        "attendee": {"page": 403, "invite": 403, "revoke": 403, "remove": 403},
        "cohost": {"page": 200, "invite": 403, "revoke": 403, "remove": 403},
        "other_cohost": {"page": 200, "invite": 403, "revoke": 403, "remove": 303},
        "creator": {"page": 200, "invite": 303, "revoke": 303, "remove": 303},
    }[who]
    got = {
        "page": client.get(f"/events/{event.slug}/hosts").status_code,
        "invite": post(f"/events/{event.slug}/hosts", {"email": "new@example.org"}),
        "revoke": post(f"/events/{event.slug}/host-invitations/{invitation_id}/revoke"),
        # Removing the other co-host: the creator may; that co-host steps down.
        "remove": post(f"/events/{event.slug}/hosts/{other_cohost.id}/remove"),
    }
    assert got == expected
    assert (other_cohost.id in _host_ids(app, event)) is (expected["remove"] != 303)


def test_bad_addresses_are_refused_at_the_field(app, make_user, make_event):
    creator = make_user()
    event = make_event(creator=creator)
    client = _client(app, creator)
    for address, message in (("not-an-email", "valid email address"),
                             ("", "Enter their email address")):  # fmt: skip
        response = _invite(client, event, address)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)


def test_the_invitation_form_is_rate_limited(app, make_user, make_event):
    creator = make_user()
    event = make_event(creator=creator)
    client = _client(app, creator)
    codes = [
        _invite(client, event, f"guess{number}@example.org").status_code
        for number in range(hosts.INVITATIONS_PER_HOUR + 1)
    ]
    assert codes[:-1] == [303] * hosts.INVITATIONS_PER_HOUR
    assert codes[-1] == 429


# An invitation is void once its event cannot take it any more (issue 34, item 9)


def _invite_for(app, outbox, creator, event, invitee) -> str:
    _invite(_client(app, creator), event, invitee.email)
    return outbox.link(invitee.email)


def _is_void(app, invitee, event, accept) -> bool:
    """The invitee's link says the invitation is gone, accepting changes
    nothing: they are no host and read no replies."""
    client = _client(app, invitee)
    page = client.get(accept)
    posted = client.submit(accept, {}, page="/")
    return (
        page.status_code == 404
        and "withdrawn" in page.get_data(as_text=True)
        and posted.status_code == 404
        and invitee.id not in _host_ids(app, event)
        and client.get(f"/events/{event.slug}/rsvps").status_code in (403, 404)
    )


def test_cancelling_voids_pending_invitations(app, make_user, make_event, reply, outbox):
    creator, invitee = make_user(), make_user()
    event = make_event(creator=creator)
    reply(make_user(display_name="Rita Replied"), event)
    accept = _invite_for(app, outbox, creator, event, invitee)
    response = _client(app, creator).submit(f"/events/{event.slug}/cancel", {"message": "Sorry"})
    assert response.status_code == 303
    # The link says why, and accepting changes nothing.
    client = _client(app, invitee)
    for answer in (client.get(accept), client.submit(accept, {}, page="/")):
        assert answer.status_code == 409
        assert "This event was cancelled" in answer.get_data(as_text=True)
        assert "Accept and co-host" not in answer.get_data(as_text=True)
    assert invitee.id not in _host_ids(app, event)
    assert client.get(f"/events/{event.slug}/rsvps").status_code in (403, 404)
    with app.app_context():
        assert (
            hosts.pending_invitations(
                db.session.get(User, creator.id), db.session.get(Event, event.id)
            )
            == []
        )


def test_a_cancelled_events_invitation_left_over_is_refused_with_a_clear_page(
    app, make_user, make_event, outbox
):
    """An invitation cancelled before cancelling voided them (or any other
    path): accepting re-checks the event."""
    creator, invitee = make_user(), make_user()
    event = make_event(creator=creator)
    accept = _invite_for(app, outbox, creator, event, invitee)
    with app.app_context():
        record = db.session.get(Event, event.id)
        record.status = EventStatus.CANCELLED  # as a raw change would, keeping the row
        db.session.commit()
    client = _client(app, invitee)
    page = client.get(accept)
    assert page.status_code == 409
    assert "cancelled" in page.get_data(as_text=True)
    assert "Accept and co-host" not in page.get_data(as_text=True)
    posted = client.submit(accept, {}, page="/")
    assert posted.status_code == 409 and "cancelled" in posted.get_data(as_text=True)
    assert invitee.id not in _host_ids(app, event)
    with app.app_context(), pytest.raises(InvalidInput):
        hosts.accept_host_invitation(db.session.get(User, invitee.id), accept.rsplit("/", 1)[1])


@pytest.mark.parametrize("when", ["upcoming", "with_cohost", "past"])
def test_the_creator_leaving_voids_their_invitations(app, make_user, make_event, outbox, when):
    creator, invitee = make_user(), make_user()
    cohosts = (make_user(),) if when == "with_cohost" else ()
    event = make_event(creator=creator, cohosts=cohosts)
    accept = _invite_for(app, outbox, creator, event, invitee)
    if when == "past":
        with app.app_context():
            record = db.session.get(Event, event.id)
            record.starts_at = utcnow() - timedelta(days=3)
            record.ends_at = record.starts_at + timedelta(hours=2)
            db.session.commit()
    with app.app_context():
        registry.delete_account(db.session.get(User, creator.id), password=DEFAULT_PASSWORD)
        db.session.commit()
    assert _is_void(app, invitee, event, accept)


def test_a_deleted_drafts_invitation_is_void_and_a_drafts_works(app, make_user, make_event, outbox):
    creator, invitee, other = make_user(), make_user(), make_user()
    kept = make_event(creator=creator, publish=False)
    deleted = make_event(creator=creator, publish=False)
    works = _invite_for(app, outbox, creator, kept, other)
    accept = _invite_for(app, outbox, creator, deleted, invitee)
    response = _client(app, creator).submit(f"/events/{deleted.slug}/delete", {}, page="/")
    assert response.status_code == 303
    client = _client(app, invitee)
    assert client.get(accept).status_code == 404
    assert client.submit(accept, {}, page="/").status_code == 404
    # A draft's co-host helps prepare it: that invitation still works.
    assert _client(app, other).submit(works, {}).status_code == 303
    assert other.id in _host_ids(app, kept)


@pytest.mark.parametrize("blocker", ["creator", "invitee"])
def test_a_block_either_way_voids_the_invitation_silently(
    app, make_user, make_event, outbox, blocker
):
    creator, invitee = make_user(), make_user()
    event = make_event(creator=creator)
    accept = _invite_for(app, outbox, creator, event, invitee)
    who, whom = (creator, invitee) if blocker == "creator" else (invitee, creator)
    client = _client(app, who)
    assert client.submit(f"/people/{whom.id}/block", {}, page="/").status_code == 303
    assert _is_void(app, invitee, event, accept)
    # Opened from another account (theirs, or anyone's), the link answers as
    # a withdrawn one, not "sent to another address": that would tell a
    # block from a withdrawal.
    second_account = _client(app, make_user())
    page = second_account.get(accept)
    assert page.status_code == 404 and "withdrawn" in page.get_data(as_text=True)
    # Invited again while blocked: the creator's page answers as always, and
    # no email reaches the invitee.
    before = len(outbox.messages(invitee.email))
    as_creator = _client(app, creator)
    response = _invite(as_creator, event, invitee.email)
    assert response.status_code == 303
    flashed = _flashes(as_creator.get(response.location).get_data(as_text=True))
    assert any(f"Invitation sent to {invitee.email}." in flash for flash in flashed)
    assert len(outbox.messages(invitee.email)) == before
    assert invitee.email in as_creator.get(f"/events/{event.slug}/hosts").get_data(as_text=True)


def test_accepting_twice_makes_one_host(app, make_user, make_event, outbox):
    creator, invitee = make_user(), make_user()
    event = make_event(creator=creator)
    accept = _invite_for(app, outbox, creator, event, invitee)
    first, second = _client(app, invitee), _client(app, invitee)
    second.get("/")  # both pages open before either accepts
    assert first.submit(accept, {}).status_code == 303
    assert second.submit(accept, {}, page="/").status_code == 404
    with app.app_context():
        rows = db.session.scalars(
            select(EventHost).where(EventHost.event_id == event.id, EventHost.user_id == invitee.id)
        ).all()
    assert len(rows) == 1
