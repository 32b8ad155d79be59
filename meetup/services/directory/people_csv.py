"""The hosts' CSV of an event's list of people: everyone who replied, with
what the list shows the hosts of the people who chose to be listed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import null, select, union_all

from meetup.extensions import db
from meetup.lib.spreadsheets import csv_text
from meetup.models import Event, GoalDirection, Rsvp, User, UserGoal, UserInterest
from meetup.services.directory.attendee_list import Tags, cards
from meetup.services.directory.page_query import GOALS, replies_of_viewer
from meetup.services.events.lookup import require_host

DIRECTIONS = {direction.value: direction for direction in GoalDirection}


def directory_csv(actor: User, event: Event) -> str:
    """The hosts' export: for people who chose to be listed, what the
    directory shows the host (headline, company, interests, offers, seeks,
    where their profile is open to the host); for the others only what hosts
    see anyway (name, email, status). Constant queries.

    :raise PermissionDenied: `actor` is not a host.
    """
    require_host(actor, event)
    statement = replies_of_viewer(host=True, signed_in=True)
    rows = db.session.execute(statement, {"event_id": event.id}).all()
    repliers = select(Rsvp.user_id).where(Rsvp.event_id == event.id)
    shown = [row for row in rows if row.shown]
    tags = _tags_among(repliers)
    listed = {card.user_id: card for card in cards(shown, actor, tags, viewer_is_host=True)}
    header = ["name", "email", "status", "listed", "headline", "company", "interests",
              "offers", "seeks"]  # fmt: skip
    lines: list[list[object]] = [header]
    for row in rows:
        profile = ["", "", "", "", ""]
        card = listed.get(row.id)
        if card is not None and card.shows_profile:
            profile = [
                card.headline,
                card.company,
                ", ".join(card.interests),
                ", ".join(goal.value for goal in card.offers),
                ", ".join(goal.value for goal in card.seeks),
            ]
        lines.append([row.display_name, row.email, row.status.value,
                      "yes" if row.shown else "no", *profile])  # fmt: skip
    return csv_text(lines)


def _tags_among(among: Any) -> Tags:
    """Interests and goals of the people in `among` (SQL selecting user ids)
    in one statement, each in the order of its name, as a profile shows them."""
    tags: Tags = {}
    for user_id, value, direction in db.session.execute(_tags_query(among)):
        interests, offers, seeks = tags.setdefault(user_id, ([], [], []))
        if direction is None:
            interests.append(value)
        else:
            (offers if DIRECTIONS[direction] == GoalDirection.OFFERS else seeks).append(
                GOALS[value]
            )
    return tags


def _tags_query(among: Any) -> Any:
    """_tags_among's statement: one round trip for both kinds of tags."""
    tags = union_all(
        select(UserInterest.user_id, UserInterest.name.label("value"), null().label("direction"))
        .where(UserInterest.user_id.in_(among)),
        select(UserGoal.user_id, UserGoal.goal, UserGoal.direction)
        .where(UserGoal.user_id.in_(among)),
    )  # fmt: skip
    return tags.order_by(tags.selected_columns.value)
