"""Communities as rows, for every community test folder: a community with its
admins, a person's standing, an event put in a community. The factories
write the tables directly (not through the services), so a test of one part
of communities does not depend on the others."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from meetup.extensions import db
from meetup.lib.markdown import render_markdown
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityEvent,
    CommunityMail,
    CommunityMember,
    Event,
    EventHost,
    EventVisibility,
    HostRole,
    MembershipState,
    User,
)
from meetup.models.types import utcnow


@pytest.fixture
def make_community(app: Flask, make_user: Callable[..., User]) -> Callable[..., Community]:
    """make_community(admins=(user, ...), **columns): an open community whose
    admins are members; one new admin when none is given. Returns it detached."""
    numbers = itertools.count(1)

    def make(*, admins: tuple[User, ...] = (), **columns: Any) -> Community:
        number = next(numbers)
        admins = admins or (make_user(),)
        description = columns.pop("description", f"People who meet again ({number}).")
        values = {
            "slug": f"community-{number}",
            "name": f"Community {number}",
            "city": "Paris",
            "description": description,
            "description_html": render_markdown(description),
            **columns,
        }
        values.setdefault("search_text", f"{values['name']} {description}".casefold())
        with app.app_context():
            community = Community(**values)
            db.session.add(community)
            db.session.flush()
            for admin in admins:
                db.session.add(CommunityAdmin(community_id=community.id, user_id=admin.id))
                db.session.add(_member_row(community.id, admin.id, MembershipState.MEMBER))
            db.session.commit()
            db.session.refresh(community)
            db.session.expunge(community)
        return community

    return make


def _member_row(community_id: int, user_id: int, state: MembershipState) -> CommunityMember:
    now = utcnow()
    return CommunityMember(
        community_id=community_id,
        user_id=user_id,
        state=state,
        mail=CommunityMail.EACH_EVENT,
        requested_at=now,
        joined_at=now if state == MembershipState.MEMBER else None,
    )


@pytest.fixture
def make_member(app: Flask) -> Callable[..., CommunityMember]:
    """make_member(community, person, state=MEMBER, **columns): a person's row."""

    def make(
        community: Community,
        person: User,
        state: MembershipState = MembershipState.MEMBER,
        **columns: Any,
    ) -> CommunityMember:
        with app.app_context():
            row = _member_row(community.id, person.id, state)
            for name, value in columns.items():
                setattr(row, name, value)
            db.session.add(row)
            db.session.commit()
            db.session.refresh(row)
            db.session.expunge(row)
        return row

    return make


@pytest.fixture
def put_in_community(app: Flask) -> Callable[..., Event]:
    """put_in_community(event, community, members_only=False): the event
    belongs to the community and its admins host it. Returns it detached."""

    def put(event: Event, community: Community, *, members_only: bool = False) -> Event:
        with app.app_context():
            row = db.session.get(Event, event.id)
            db.session.add(CommunityEvent(event_id=row.id, community_id=community.id))
            if members_only:
                row.visibility = EventVisibility.MEMBERS
            hosting = {host.user_id for host in row.hosts}
            for admin in db.session.get(Community, community.id).admins:
                if admin.user_id not in hosting:
                    db.session.add(
                        EventHost(event_id=row.id, user_id=admin.user_id, role=HostRole.COHOST)
                    )
            db.session.commit()
            db.session.refresh(row)
            _ = [host.user for host in row.hosts], row.topics, row.community_link
            db.session.expunge_all()
        return row

    return put
