"""Events: loading and rights, creating, editing, publishing, cancelling and
copying (events), their details (event_details), the listing and host pages
(event_listing), co-hosts (hosts), registration questions (questions) and what
every email says of an event (event_mail)."""
