"""Accounts on the web: sign up, log in, log out, credentials."""
