"""Who's coming: the attendee directory and the one rule of who sees whom in it."""
