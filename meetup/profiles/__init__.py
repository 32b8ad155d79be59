"""Profiles on the web: a page per person, editing one's own, privacy, my data."""
