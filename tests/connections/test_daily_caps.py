"""The daily caps on what reaches other people count what was done, not the
rows left (issue 34, item 4): a block, a withdrawal, an untick or the other
person's deleted account takes rows away, never a place under the cap."""

from __future__ import annotations

from sqlalchemy import select

from meetup.extensions import db
from meetup.models import ConnectionRequest, StayInTouch
from meetup.services.connections import asking, ticks
from tests.connections.test_stay_in_touch import _client, _event, _tick
from tests.plugins.app import DEFAULT_PASSWORD


def _mails_to(outbox, person) -> int:
    return sum(m.template == "connection_request" for m in outbox.messages(person.email))


def test_block_and_unblock_do_not_reset_the_request_cap(
    app, make_user, outbox, monkeypatch
) -> None:
    monkeypatch.setattr(asking, "REQUESTS_PER_DAY", 3)
    asker, target = make_user(), make_user()
    client = _client(app, asker)
    answers = []
    for _ in range(5):
        answers.append(client.submit(f"/people/{target.id}/connect", {}).status_code)
        for action in ("block", "unblock"):
            assert client.submit(f"/people/{target.id}/{action}", {}).status_code == 303
    assert set(answers) <= {303, 422}
    # A block withdraws the request (asking again reopens it, silently);
    # however the rounds go, never more mail than the cap.
    assert 1 <= _mails_to(outbox, target) <= 3


def test_withdrawn_ignored_removed_or_deleted_requests_still_count(
    app, make_user, outbox, monkeypatch
) -> None:
    monkeypatch.setattr(asking, "REQUESTS_PER_DAY", 4)
    asker = make_user()
    gone, ignoring, withdrawn, connected, last = (make_user() for _ in range(5))
    client = _client(app, asker)
    for person in (gone, ignoring, withdrawn, connected):
        assert client.submit(f"/people/{person.id}/connect", {}).status_code == 303
    # Every row the cap could have counted goes, one way or another.
    theirs = _client(app, gone)
    assert theirs.submit("/account/delete", {"password": DEFAULT_PASSWORD}).status_code == 303
    ignorer = _client(app, ignoring)
    request_id = _only_request(app, ignoring)
    assert ignorer.submit(f"/connections/requests/{request_id}/ignore", {}).status_code == 303
    assert client.submit(f"/connections/requests/{_only_request(app, withdrawn)}/withdraw",
                         {}).status_code == 303  # fmt: skip
    assert _client(app, connected).submit(f"/people/{asker.id}/connect", {}).status_code == 303
    assert client.submit(f"/connections/{connected.id}/remove", {}).status_code == 303
    assert client.submit(f"/people/{last.id}/connect", {}).status_code == 422
    assert _mails_to(outbox, last) == 0


def _only_request(app, addressee) -> int:
    with app.app_context():
        return db.session.scalar(
            select(ConnectionRequest.id).where(ConnectionRequest.addressee_id == addressee.id)
        )


def test_untick_and_tick_again_counts_every_tick(app, make_user, make_event, monkeypatch) -> None:
    monkeypatch.setattr(ticks, "TICKS_PER_DAY", 3, raising=False)
    ticker, person = make_user(), make_user()
    event = _event(app, make_event, ticker, person)
    client = _client(app, ticker)
    statuses = []
    for _ in range(3):
        statuses.append(_tick(client, event, person).status_code)
        assert _tick(client, event, person, want="no").status_code == 303
    assert statuses == [303, 303, 303]
    refused = _tick(client, event, person)
    assert refused.status_code == 303  # back to the list, saying why
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "You ticked 3 people today" in page
    assert not _ticked(app, ticker)


def _ticked(app, ticker) -> bool:
    with app.app_context():
        return (
            db.session.scalar(select(StayInTouch.id).where(StayInTouch.ticker_id == ticker.id))
            is not None
        )


def test_tick_block_unblock_rounds_mail_the_other_once(app, make_user, make_event, outbox):
    """A variant of item 4: Vera ticked Xavier; each round of his tick (a
    connection), block and unblock sent her "You and Xavier both wanted to
    stay in touch" again. It is said once per event and pair."""
    vera, xavier = make_user(display_name="Vera"), make_user(display_name="Xavier")
    event = _event(app, make_event, vera, xavier)
    assert _tick(_client(app, vera), event, xavier).status_code == 303
    client = _client(app, xavier)
    for _ in range(3):
        assert _tick(client, event, vera).status_code == 303
        for action in ("block", "unblock"):
            assert client.submit(f"/people/{vera.id}/{action}", {}).status_code == 303
    mutual = [m for m in outbox.messages(vera.email) if m.template == "stay_in_touch_mutual"]
    assert len(mutual) == 1
