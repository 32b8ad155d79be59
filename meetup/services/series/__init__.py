"""Series: events that recur on a schedule (issue 37).

`lookup` (the one loader, the hosts' rights, the lock, the template the
next occurrence is copied from), `occurrences` (making a series and filling
its horizon: the next three occurrences or 60 days, whichever is more,
created ahead as real events by an idempotent job).
"""
