"""Replies (RSVPs): replying (replying), the hosts' decisions (decisions),
the one call that changes a reply's seat (seats), the seats taken
(seat_count), the waitlist's order (waitlist), the emails about each change
(notices), the hosts' list of replies and one reply (read_models), a
person's replies in My data (export, personal_data)."""
