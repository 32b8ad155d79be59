"""Who's coming: an event's list of people as each viewer sees it (attendee_list,
its statements in page_query), who opens it (access: the inputs of
services.privacy's rule), the hosts' CSV (people_csv) and a person's events on
their profile (profile_events)."""
