"""Communities on the web: their pages, joining and members, the admins'
tools, and a person's communities."""
