"""Replies (RSVPs): replying (replying), the hosts' decisions (decisions),
seats, the waitlist and the notices of each change (waitlist), the hosts'
list of replies and one reply (read_models), a person's replies in My data
(export, personal_data)."""
