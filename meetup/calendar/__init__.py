"""Calendar files and feeds, and the page with one's own feed address."""
