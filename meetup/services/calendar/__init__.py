"""Calendars: the one VEVENT builder (vevents), each VEVENT stored once
(entries), files and feeds joined from them (ical, feeds), invitations by
email (invitations), and links to web calendars (add_to_calendar)."""
