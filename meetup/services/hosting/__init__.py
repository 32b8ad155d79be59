"""The hosts' tools: check-in and tickets (checkin), the dashboard, messages
and reminders (announcements), the replies CSV (attendee_csv)."""
