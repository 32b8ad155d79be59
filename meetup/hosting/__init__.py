"""The hosts' tools on the night and around it: dashboard, check-in, tickets,
messages to the people coming."""
