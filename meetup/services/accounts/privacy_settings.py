"""A person's privacy settings: changing them, and the copy their replies keep.

The facts these settings decide (who sees a profile, who is listed, who sees
an address) are services.privacy's; this module only writes the choices.
"""

from __future__ import annotations

from meetup.lib.errors import InvalidInput
from meetup.models import ProfileVisibility, User
from meetup.services.accounts.copies import relist
from meetup.services.privacy import is_listed_by_default


def update_privacy(
    person: User,
    *,
    profile_visibility: str,
    is_listed_in_directories: bool,
    is_email_shared_with_connections: bool,
    is_followup_email_wanted: bool,
) -> None:
    """Record the person's privacy choices.

    :raise InvalidInput: `profile_visibility` is not one of ProfileVisibility.
    """
    try:
        person.profile_visibility = ProfileVisibility(profile_visibility)
    except ValueError:
        raise InvalidInput("Choose who can see your profile.", field="profile_visibility") from None
    # "Only me" turns the default listing off (the settings page says so).
    private = person.profile_visibility == ProfileVisibility.PRIVATE
    person.is_listed_in_directories = bool(is_listed_in_directories) and not private
    person.is_email_shared_with_connections = bool(is_email_shared_with_connections)
    person.is_followup_email_wanted = bool(is_followup_email_wanted)
    relist(person, listed=is_listed_by_default(person))
