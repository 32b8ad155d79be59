"""Accounts: credentials and email verification (accounts), changes of
address (email_changes), login sessions (sessions), profiles, the privacy
rules (privacy: one function per fact) and My data (mydata)."""
