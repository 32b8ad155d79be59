"""Events on the web: listing and search, the event page, and the host's tools."""
