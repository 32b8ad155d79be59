"""Mail: queueing messages into the outbox in the caller's transaction
(outbox), composing MIME from a queued row (compose), delivering it with
retries (delivery) over a transport (transports), and the worker process that
drains the outbox (worker). Nothing outside this package talks to SMTP."""
