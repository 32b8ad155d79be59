"""Sending mail, on top of everything: composing MIME from a queued outbox
row (compose, which renders a calendar part with services.calendar),
delivering it with retries (delivery) over a transport (transports), and the
worker process that drains the outbox (worker). Queueing is meetup.outbox,
low in the stack, so any service may queue; nothing outside this package
talks to SMTP."""
