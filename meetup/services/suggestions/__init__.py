"""Who you should meet: scoring (scoring, over an event's room: room), builds
scored and stored outside requests (builds), and the lists as each viewer
reads them (lists, people_page)."""
