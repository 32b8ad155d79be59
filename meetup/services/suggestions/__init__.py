"""Who you should meet: scoring (scoring, over an event's room: room), builds
scored and stored outside requests (builds), and the lists as each viewer
reads them (lists, people_page), which at a community's event say where two
people met before (met_before)."""
