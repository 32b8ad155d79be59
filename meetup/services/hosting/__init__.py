"""What hosts do with their event: its life (lifecycle: create, edit,
publish, cancel, copy, delete), co-hosts (hosts), check-in and tickets
(checkin), the dashboard, messages and reminders (announcements), the replies
CSV (attendee_csv), and the hosting part of My data (personal_data). Above
rsvps and calendar, since editing and cancelling move seats and calendars."""
