"""Replies (RSVPs): replying (replying), the hosts' decisions (decisions),
seats, the waitlist and the notices of each change (waitlist), what pages show
of replies (read_models), a person's replies in My data (export), and the
recipients of bulk mail (recipients)."""
