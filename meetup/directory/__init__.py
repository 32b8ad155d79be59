"""The attendee directory of an event."""
