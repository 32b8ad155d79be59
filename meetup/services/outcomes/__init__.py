"""What an event did: feedback from the people who came, and the hosts' report."""
