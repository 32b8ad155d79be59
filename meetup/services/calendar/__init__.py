"""Calendars: iCalendar files and feeds (ical, feeds) and invitations by email
(invitations)."""
