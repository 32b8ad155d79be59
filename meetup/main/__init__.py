"""Site-wide pages: the home page."""
