"""Who sees whom: every privacy fact, each decided once, over the models alone.

Just above the models in the stack, so every domain may ask it and it asks
none of them: a rule about who may see a person cannot depend on the page
that shows them. Its modules, one question each:

- blocks: who blocked whom (and so no longer sees whom);
- profiles: who may see a profile, and open its page;
- email_addresses: who sees a person's email address;
- listing: who is listed, and shown, in an event's list (one definition,
  its Python and SQL forms read off it);
- event_lists: who may open an event's list, whom it shows them, and who
  may be told that a person attended;
- asking: who may ask whom to connect, and whom one may tick;
- online_link: who gets an online event's link;
- communities: who belongs to a community (members-only events, its lists);
- community_lists: who is listed in a community's member list, and who
  may open it (one definition, its Python and SQL forms read off it).

The names below are the package's surface: callers write
`privacy.can_see_profile(...)`, whichever module holds the rule.
"""

from meetup.services.privacy.asking import AskOnList, can_ask, can_ask_on_list, tickable_condition
from meetup.services.privacy.blocks import (
    blocked_ids,
    blocks_among,
    forget_blocks,
    has_blocked,
    not_blocked_condition,
    not_blocked_of_viewer,
)
from meetup.services.privacy.communities import (
    hidden_members_events,
    is_admin,
    is_member,
    may_see_members_event,
    member_community_ids,
    members_event_condition,
    membership_of,
)
from meetup.services.privacy.community_lists import (
    community_listed_condition,
    is_listed_in_community,
    may_open_member_list,
    member_list_condition,
    member_list_shows,
)
from meetup.services.privacy.email_addresses import (
    are_connected,
    can_see_email,
    email_seen_by_connection,
    shares_email_with_connections,
    shows_emails_on_list,
)
from meetup.services.privacy.event_lists import (
    OPEN_TO_ATTENDEES,
    attendance_shown,
    attendance_shown_condition,
    events_listing,
    going_among,
    list_shows,
    may_open_list,
    shown_in_some_list,
)
from meetup.services.privacy.listing import (
    is_listed_by_default,
    is_shown,
    listed_by_default_condition,
    shown_by_copies,
    shown_condition,
)
from meetup.services.privacy.online_link import online_link_for, sees_online_link
from meetup.services.privacy.profiles import (
    ANY_MEMBER,
    Person,
    can_see_profile,
    is_blocked_only_by,
    may_open_profile,
    opens_to_any_member,
    profile_fields_condition,
    profile_fields_of_viewer,
    profile_needs_login,
    profile_viewer,
    sees_profile,
)

__all__ = [
    "ANY_MEMBER",
    "OPEN_TO_ATTENDEES",
    "AskOnList",
    "Person",
    "are_connected",
    "attendance_shown",
    "attendance_shown_condition",
    "blocked_ids",
    "blocks_among",
    "can_ask",
    "can_ask_on_list",
    "can_see_email",
    "can_see_profile",
    "community_listed_condition",
    "email_seen_by_connection",
    "events_listing",
    "forget_blocks",
    "going_among",
    "has_blocked",
    "hidden_members_events",
    "is_admin",
    "is_blocked_only_by",
    "is_listed_by_default",
    "is_listed_in_community",
    "is_member",
    "is_shown",
    "list_shows",
    "listed_by_default_condition",
    "may_open_list",
    "may_open_member_list",
    "may_open_profile",
    "may_see_members_event",
    "member_community_ids",
    "member_list_condition",
    "member_list_shows",
    "members_event_condition",
    "membership_of",
    "not_blocked_condition",
    "not_blocked_of_viewer",
    "online_link_for",
    "opens_to_any_member",
    "profile_fields_condition",
    "profile_fields_of_viewer",
    "profile_needs_login",
    "profile_viewer",
    "sees_online_link",
    "sees_profile",
    "shares_email_with_connections",
    "shown_by_copies",
    "shown_condition",
    "shown_in_some_list",
    "shows_emails_on_list",
    "tickable_condition",
]
