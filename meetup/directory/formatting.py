"""How a person reads in the directory: the part of a card that follows from
what its Card shows, rendered once per distinct value."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import current_app
from markupsafe import Markup

from meetup.models import Event, Goal, RsvpStatus
from meetup.models.user import GOAL_LABELS
from meetup.rendering import rendered_once
from meetup.routing import url_for_each
from meetup.services.directory.attendee_list import Card, DirectoryPage


class PersonLinks(NamedTuple):
    """The links a directory page makes for each person (by id), each
    built once a page: a page has fifty people."""

    profile: Callable[[int], str]
    connect: Callable[[int], str]  # asking, from this event
    tick: Callable[[int], str]  # the stay-in-touch form's action


def person_links(event: Event) -> PersonLinks:
    return PersonLinks(
        profile=url_for_each("profiles.detail", "person_id"),
        connect=url_for_each("connections.ask", "person_id", event=event.slug),
        tick=url_for_each("connections.stay_in_touch", "person_id", slug=event.slug),
    )


def card_heads(page: DirectoryPage, profile_url: Callable[[int], str]) -> list[Markup]:
    """Each card of `page` up to its actions, unclosed, in the page's order
    (directory/_person_card.html).

    Cached by every value a card shows, so it follows from its key alone and
    holds nothing another viewer's key would not name: the email and status
    are in the page for hosts only, and what privacy hides is already blank
    in the Card. The actions (ticks, connect, each with the viewer's form
    token) are never in it. Rendered anew when templates reload."""
    return [
        _card_head(
            card.user_id,
            card.display_name,
            card.shows_profile,
            card.headline,
            card.company,
            tuple(card.interests),
            tuple(card.offers),
            tuple(card.seeks),
            card.email,
            page.statuses.get(card.user_id),
            profile_url(card.user_id),
        )
        for card in page.people
    ]


@rendered_once(maxsize=4096)
def _card_head(
    user_id: int,
    display_name: str,
    shows_profile: bool,
    headline: str,
    company: str,
    interests: tuple[str, ...],
    offers: tuple[Goal, ...],
    seeks: tuple[Goal, ...],
    email: str,  # for hosts only (else empty)
    status: RsvpStatus | None,  # for hosts only
    profile_url: str,
) -> Markup:
    card = Card(
        user_id=user_id,
        display_name=display_name,
        shows_profile=shows_profile,
        headline=headline,
        company=company,
        email=email,
        interests=list(interests),
        offers=list(offers),
        seeks=list(seeks),
    )
    template = current_app.jinja_env.get_template("directory/_person_card.html")
    return template.module.card_head(  # type: ignore[attr-defined]
        card, status, profile_url, GOAL_LABELS
    )
