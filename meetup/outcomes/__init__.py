"""What an event did: the feedback form, and the hosts' after-event report."""
