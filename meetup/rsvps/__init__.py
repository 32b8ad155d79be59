"""Replying to events, the hosts' list of replies, and my events."""
