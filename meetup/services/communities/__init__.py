"""Communities: the people who meet again, between events.

A community has admins, all equal (they are the hosts of its events), and
members with a mail choice; its events may be for members only. Its modules:

- lookup: loading a community for a viewer, and the admins' rights;
- lifecycle: creating, editing and closing a community;
- admins: admins by invitation, stepping down (never the last one), the
  admins as hosts of the community's events;
- membership: joining (with approval and questions), leaving, removal, blocks;
- members: the member list (privacy's rules) and the admins' view of members;
- standing: a person's own standing (the page's membership box, My communities);
- events: publishing an event in a community, moving one into it;
- public_page: a community's page and the listing of communities with its search;
- announcements: members hear of new events (each, weekly digest, nothing);
- messages: the admins' messages to members (twice a week at most);
- unsubscribe: the one-click link of every community email;
- feeds: a community's public .ics of upcoming events;
- outcomes: the outcomes of its events across editions;
- personal_data: memberships, answers and admin roles in My data and deletion.
"""
