"""Events as everyone reads them: the one loader and the hosts' rights
(lookup), their details (event_details), what the hosts changed (history),
the listing and host pages (event_listing), registration questions
(questions), what every email says of an event (event_mail) and the replies
a bulk mail goes to (recipients). What hosts do to an event is services.hosting."""
