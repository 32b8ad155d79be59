"""The weekly digest (once a week, last week's new events, skipped when there
is none) and the one-click unsubscribe of a community's mail (a GET asks, a
POST with no session or token sets the choice to nothing, for that community
alone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from meetup.extensions import db
from meetup.models import CommunityMail, CommunityMember, Event, User
from meetup.models.types import utcnow
from meetup.services.communities import announcements
from meetup.services.communities.unsubscribe import unsubscribe_links


def _digests(runner) -> str:
    result = runner.invoke(args=["meetup", "send-community-digests"])
    assert result.exit_code == 0, result.output
    return result.output


def _published_last_week(app, event: Event) -> None:
    _, since, _ = announcements.digest_week(utcnow())
    with app.app_context():
        db.session.get(Event, event.id).published_at = since + timedelta(days=2)
        db.session.commit()


def test_the_digest_week_is_the_iso_week_before(app) -> None:
    week, since, until = announcements.digest_week(datetime(2026, 12, 9, 15, 0, tzinfo=UTC))
    assert week == "2026-W50"
    assert since == datetime(2026, 11, 30, tzinfo=UTC) and until == datetime(
        2026, 12, 7, tzinfo=UTC
    )


def test_digest_lists_last_week_s_events_once_a_week(
    app, runner, make_user, make_event, make_community, make_member, put_in_community, outbox
) -> None:
    community = make_community(name="Climate tech Stockholm")
    reader = make_user()
    make_member(community, reader, mail=CommunityMail.WEEKLY_DIGEST)
    each, nothing = make_user(), make_user()
    make_member(community, each)
    make_member(community, nothing, mail=CommunityMail.NOTHING)
    first = put_in_community(make_event(title="Heat pumps"), community)
    second = put_in_community(make_event(title="Grid storage"), community, members_only=True)
    put_in_community(make_event(title="Too new"), community)  # published this week: next one
    for event in (first, second):
        _published_last_week(app, event)

    assert "1 digest(s) queued" in _digests(runner)
    mail = outbox.last(reader.email)
    assert mail.subject == "Climate tech Stockholm: this week's new events"
    assert sorted(item["event_title"] for item in mail.context["events"]) == [
        "Grid storage",
        "Heat pumps",
    ]
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert outbox.messages(nothing.email) == []
    assert not [m for m in outbox.messages(each.email) if "digest" in m.dedupe_key]
    assert "0 digest(s) queued" in _digests(runner)  # once a week
    assert len(outbox.messages(reader.email)) == 1


def test_no_digest_for_a_week_without_new_events(
    runner, make_user, make_community, make_member, outbox
) -> None:
    community = make_community()
    reader = make_user()
    make_member(community, reader, mail=CommunityMail.WEEKLY_DIGEST)
    _digests(runner)
    assert outbox.messages(reader.email) == []


def _link(app, community, person) -> str:
    with app.app_context():
        url = unsubscribe_links(community.id)(person.id)
    return url.removeprefix(app.config["BASE_URL"])


def _mail_choice(app, community, person) -> CommunityMail:
    with app.app_context():
        return db.session.get(CommunityMember, (community.id, person.id)).mail


def test_unsubscribe_asks_on_get_and_stops_this_community_s_mail_on_post(
    app, client, make_user, make_community, make_member
) -> None:
    community, other = make_community(name="Paris UX Nights"), make_community()
    person = make_user()
    make_member(community, person)
    make_member(other, person)
    path = _link(app, community, person)

    page = client.get(path)
    assert page.status_code == 200 and "Stop these emails" in page.text
    assert "Paris UX Nights" in page.text
    assert "no-store" in page.headers["Cache-Control"]
    assert _mail_choice(app, community, person) == CommunityMail.EACH_EVENT

    done = client.post(path)  # one click: no session, no CSRF token
    assert done.status_code == 200 and "no more emails" in done.text
    assert _mail_choice(app, community, person) == CommunityMail.NOTHING
    assert _mail_choice(app, other, person) == CommunityMail.EACH_EVENT
    assert "already sends you no emails" in client.get(path).text
    assert client.post(path).status_code == 200  # again: no change, no error


def test_a_bad_or_expired_unsubscribe_link_says_why(
    app, client, make_user, make_community, make_member, monkeypatch
) -> None:
    community = make_community()
    person = make_user()
    make_member(community, person)
    path = _link(app, community, person)
    forged = client.post(path[:-3] + "abc")
    assert forged.status_code == 400 and "not valid" in forged.text
    from meetup.services.communities import unsubscribe

    monkeypatch.setattr(unsubscribe, "LIFETIME", timedelta(seconds=-1))
    expired = client.post(path)
    assert expired.status_code == 400 and "expired" in expired.text
    assert _mail_choice(app, community, person) == CommunityMail.EACH_EVENT


def test_unsubscribing_after_leaving_changes_nothing(
    app, client, make_user, make_community
) -> None:
    community = make_community()
    person = make_user()
    path = _link(app, community, person)
    response = client.post(path)
    assert response.status_code == 200 and "no longer a member" in response.text
    with app.app_context():
        assert db.session.get(User, person.id) is not None
