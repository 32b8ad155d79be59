"""Contact cards (vCard 3.0, built with vobject) of one's connections, made
from what My network shows (network.NetworkEntry): only what each person
lets a connection see. The email address where they allowed it; headline,
company and links where their profile is visible to the viewer; where you met."""

from __future__ import annotations

from collections.abc import Iterable

import vobject

from meetup.lib.timezones import describe_moment
from meetup.lib.urls import external_url
from meetup.services.connections.network import NetworkEntry


def vcard(entry: NetworkEntry) -> str:
    """The card of one connection."""
    card = vobject.vCard()
    card.add("fn").value = entry.display_name
    card.add("n").value = vobject.vcard.Name(given=entry.display_name)
    if entry.email:
        email = card.add("email")
        email.value = entry.email
        email.type_param = "INTERNET"
    if entry.shows_profile:
        if entry.company:
            card.add("org").value = [entry.company]
        if entry.headline:
            card.add("title").value = entry.headline
        for link in entry.links:
            card.add("url").value = link
        card.add("source").value = external_url("profiles.detail", person_id=entry.user_id)
    if entry.met:
        card.add("note").value = "Met at " + "; ".join(
            f"{event.title} ({describe_moment(event.starts_at, event.timezone)})"
            for event in entry.met
        )
    return card.serialize()


def vcards(entries: Iterable[NetworkEntry]) -> str:
    """Several cards in one file."""
    return "".join(vcard(entry) for entry in entries)
