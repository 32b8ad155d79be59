"""Probes of the community mail: an unlisted event in a community is for
the people its hosts give the link to; the community's page shows it to its
admins alone, so neither the announcement nor the digest mails it to every
member."""

from __future__ import annotations

from datetime import timedelta

from meetup.extensions import db
from meetup.models import CommunityMail, Event, EventVisibility
from meetup.models.types import utcnow
from meetup.services.communities import announcements


def _unlisted(app, event: Event, *, published_last_week: bool = False) -> None:
    with app.app_context():
        row = db.session.get(Event, event.id)
        row.visibility = EventVisibility.UNLISTED
        if published_last_week:
            _, since, _ = announcements.digest_week(utcnow())
            row.published_at = since + timedelta(days=2)
        db.session.commit()


def test_an_unlisted_event_is_not_announced_to_the_members(
    app, runner, make_user, make_event, make_community, make_member, put_in_community, outbox
) -> None:
    community = make_community()
    member = make_user()
    make_member(community, member)
    event = put_in_community(make_event(title="Dinner for the speakers"), community)
    _unlisted(app, event)

    result = runner.invoke(args=["meetup", "announce-community-events"])

    assert result.exit_code == 0, result.output
    assert not [m for m in outbox.messages() if m.user_id == member.id]


def test_an_unlisted_event_is_not_in_the_digest(
    app, runner, make_user, make_event, make_community, make_member, put_in_community, outbox
) -> None:
    community = make_community()
    reader = make_user()
    make_member(community, reader, mail=CommunityMail.WEEKLY_DIGEST)
    listed = put_in_community(make_event(title="Heat pumps"), community)
    hidden = put_in_community(make_event(title="Dinner for the speakers"), community)
    _unlisted(app, hidden, published_last_week=True)
    with app.app_context():
        _, since, _ = announcements.digest_week(utcnow())
        db.session.get(Event, listed.id).published_at = since + timedelta(days=2)
        db.session.commit()

    result = runner.invoke(args=["meetup", "send-community-digests"])

    assert result.exit_code == 0, result.output
    mail = outbox.last(reader.email)
    assert [item["event_title"] for item in mail.context["events"]] == ["Heat pumps"]
