"""Series on the web: making one, its page, following it."""
