"""How a person reads in the directory: the part of a card that follows from
what its Card shows, rendered once per distinct value."""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from meetup.models import Goal, RsvpStatus
from meetup.models.user import GOAL_LABELS
from meetup.rendering import rendered_once
from meetup.services.directory.attendee_list import Card, DirectoryPage


def card_heads(page: DirectoryPage, profile_url: str) -> list[Markup]:
    """Each card of `page` up to its actions, unclosed, in the page's order
    (directory/_person_card.html).

    Cached by every value a card shows, so it follows from its key alone and
    holds nothing another viewer's key would not name: the email and status
    are in it (and shown) for hosts only; what privacy hides is already
    blank in the Card. The actions (ticks, connect, each with the viewer's
    form token) are never in it. Rendered anew when templates reload."""
    host = page.viewer_is_host
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
            card.email if host else None,
            page.statuses[card.user_id] if host else None,
            profile_url,
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
    email: str | None,  # None: not a host's card
    status: RsvpStatus | None,
    profile_url: str,
) -> Markup:
    card = Card(
        user_id=user_id,
        display_name=display_name,
        shows_profile=shows_profile,
        headline=headline,
        company=company,
        email=email or "",
        interests=list(interests),
        offers=list(offers),
        seeks=list(seeks),
    )
    template = current_app.jinja_env.get_template("directory/_person_card.html")
    return template.module.card_head(  # type: ignore[attr-defined]
        card, email is not None, status, profile_url, GOAL_LABELS
    )
