"""Anonymous feedback stays anonymous to the hosts, whatever they try.

The attacks played here: a host with colluding accounts answers anonymously
to push the count past the threshold, then reads the next answer as the
difference between two downloads; a victim answers, changes an answer, an
account switches between signed and anonymous, people delete their
accounts, the host's own answer is made to count. What the host sees (the
report page and its CSV) is compared byte for byte across those situations.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from meetup.extensions import db
from meetup.models import Event, EventHost, HostRole
from meetup.services.outcomes.anonymity import MIN_ANONYMOUS
from meetup.services.outcomes.feedback import FEEDBACK_DAYS
from tests.plugins.app import DEFAULT_PASSWORD, sign_in


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _normalised(html: str) -> str:
    """A page without what changes on every request (CSRF tokens)."""
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)


def _seen(app, host, event) -> tuple[str, str]:
    """Everything the host can see of the event's outcome: the report page and
    its CSV."""
    client = _client(app, host)
    page = client.get(f"/events/{event.slug}/report")
    body = client.get(f"/events/{event.slug}/report.csv")
    assert page.status_code == body.status_code == 200
    return _normalised(page.get_data(as_text=True)), body.get_data(as_text=True)


def _feedback_seen(app, host, event) -> tuple[str, list[list[str]]]:
    """The feedback part of what the host sees (attendance figures change when
    an account is deleted, and are not about feedback)."""
    page, body = _seen(app, host, event)
    section = re.search(r'<section[^>]*"feedback-heading".*?</section>', page, re.S).group(0)
    rows = list(csv.reader(io.StringIO(body)))
    start = next(n for n, row in enumerate(rows) if row and row[0] == "feedback answers")
    end = next(n for n, row in enumerate(rows) if row and row[0].startswith("connections"))
    comments = rows[rows.index(["comment", "from"]) :]
    return section, rows[start:end] + comments


def _move(app, event, *, closed: bool) -> None:
    """Close the event's feedback window (move it FEEDBACK_DAYS back), or
    reopen it, to the same times each way; its hosts were hosts before it."""
    end = event.ends_at - timedelta(days=FEEDBACK_DAYS if closed else 0)
    with app.app_context():
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(starts_at=end - timedelta(hours=2), ends_at=end)
        )
        db.session.execute(
            update(EventHost)
            .where(EventHost.event_id == event.id)
            .values(added_at=end - timedelta(days=FEEDBACK_DAYS + 7))
        )
        db.session.commit()


@pytest.fixture
def world(app, make_user, past_event):
    """A host who attended their own event, a guest who signs, and ten guests."""
    host = make_user(display_name="Hanna Host")
    signer = make_user(display_name="Sam Signed")
    guests = [make_user(display_name=f"Guest {n}") for n in range(10)]
    event = past_event(host, signer, *guests, creator=host)
    return event, host, signer, guests


def test_until_feedback_closes_no_anonymous_answer_changes_what_a_host_sees(
    app, world, answer
) -> None:
    event, host, signer, guests = world
    colluders, victim, others = guests[:2], guests[2], guests[3:]
    answer(signer, event, rating=5, comment="Signed and happy", signed=True)
    before = _seen(app, host, event)
    assert "Anonymous answers are shown once feedback closes on" in before[0]

    # The host's own answer and two colluding accounts: under the old rule of
    # three, the next anonymous answer was in the figures.
    answer(host, event, rating=3)
    for colluder in colluders:
        answer(colluder, event, rating=5)
    assert _seen(app, host, event) == before
    answer(victim, event, rating=4, again=False, comment="A victim secret")
    assert _seen(app, host, event) == before  # victim answered == did not answer
    answer(victim, event, rating=1, comment="Changed my mind")
    assert _seen(app, host, event) == before  # one changed answer

    # A colluder signs (the page changes: they chose to), then unsigns: the
    # page is again the one where they never answered.
    answer(colluders[0], event, rating=5, signed=True)
    assert _seen(app, host, event) != before
    answer(colluders[0], event, rating=5)
    assert _seen(app, host, event) == before

    for other in others:  # far past the threshold, still before the close
        answer(other, event, rating=2, comment=f"From {other.display_name}")
    assert _seen(app, host, event) == before
    page, body = before
    assert "A victim secret" not in page + body and "Changed my mind" not in page + body
    assert ["feedback answers", "1"] in list(csv.reader(io.StringIO(body)))


def test_after_the_close_fewer_than_five_guests_answering_anonymously_show_nothing(
    app, world, answer
) -> None:
    event, host, signer, guests = world
    answer(signer, event, rating=5, signed=True)
    answer(host, event, rating=3)  # the host's own answer never counts
    for guest in guests[:3]:
        answer(guest, event, rating=5)
    _move(app, event, closed=True)
    without_victim = _seen(app, host, event)
    assert "fewer than 5 people answered anonymously (hosts not counted)" in without_victim[0]

    _move(app, event, closed=False)
    answer(guests[3], event, rating=1, comment="A victim secret")
    _move(app, event, closed=True)
    assert _seen(app, host, event) == without_victim  # 4 guests and the host: hidden

    _move(app, event, closed=False)
    answer(guests[4], event, rating=2)
    _move(app, event, closed=True)
    page, body = _seen(app, host, event)  # five guests: released, as one batch
    assert "<dt>Answers</dt><dd>7</dd>" in page
    assert "A victim secret" in page and "A victim secret" in body
    assert guests[3].display_name not in page + body


def test_a_released_batch_never_changes(app, world, answer, make_user) -> None:
    event, host, signer, guests = world
    answer(signer, event, rating=5, comment="Signed and happy", signed=True)
    answer(host, event, rating=3)
    for guest in guests[:MIN_ANONYMOUS]:
        answer(guest, event, rating=4, comment=f"Quietly {guest.display_name}")
    _move(app, event, closed=True)
    released = _feedback_seen(app, host, event)
    assert "<dt>Answers</dt><dd>7</dd>" in released[0]

    # Nobody can answer, change or switch an answer after the close.
    victim = _client(app, guests[0])
    changed = {"rating": "1", "is_coming_again": "no", "comment": "", "is_signed": "y"}
    assert victim.submit(f"/events/{event.slug}/feedback", changed).status_code == 403
    assert _feedback_seen(app, host, event) == released

    # A guest who answered anonymously deletes their account; a host made
    # after the close, or a guest made co-host, changes nothing either.
    response = victim.submit("/account/delete", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 303
    assert _feedback_seen(app, host, event) == released
    with app.app_context():
        db.session.add(EventHost(event_id=event.id, user_id=guests[1].id, role=HostRole.COHOST))
        db.session.commit()
    assert _feedback_seen(app, host, event) == released

    # The signed guest deletes their account: their answer loses its name,
    # and every figure stays as it was.
    assert _client(app, signer).submit("/account/delete", {"password": DEFAULT_PASSWORD})
    section, rows = _feedback_seen(app, host, event)
    figures = re.compile(r"<dl.*?</dl>|<svg.*?</svg>", re.S)
    assert figures.findall(section) == figures.findall(released[0])
    assert rows[: rows.index(["comment", "from"])] == released[1][: released[1].index(
        ["comment", "from"]
    )]  # fmt: skip
    assert "Sam Signed" not in section


@pytest.mark.parametrize(
    ("guests_anonymous", "host_answers", "closed", "shown"),
    [
        (MIN_ANONYMOUS, False, False, False),  # still open: never
        (MIN_ANONYMOUS - 1, False, True, False),
        (MIN_ANONYMOUS - 1, True, True, False),  # the host's answer does not count
        (MIN_ANONYMOUS, False, True, True),
        (MIN_ANONYMOUS, True, True, True),  # then it is in the batch, unmarked
    ],
)
def test_the_release_rule(app, world, answer, guests_anonymous, host_answers, closed, shown):
    event, host, signer, guests = world
    answer(signer, event, rating=5, signed=True)
    if host_answers:
        answer(host, event, rating=1, comment="From the host")
    for guest in guests[:guests_anonymous]:
        answer(guest, event, rating=2, comment=f"Quietly {guest.display_name}")
    if closed:
        _move(app, event, closed=True)
    page, body = _seen(app, host, event)
    count = 1 + (guests_anonymous + host_answers if shown else 0)
    assert f"<dt>Answers</dt><dd>{count}</dd>" in page
    assert ["feedback answers", str(count)] in list(csv.reader(io.StringIO(body)))
    assert ("Quietly Guest 0" in page) == shown and ("Quietly Guest 0" in body) == shown
    assert ("From the host" in page) == (shown and host_answers)
