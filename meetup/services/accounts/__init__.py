"""Accounts: credentials and email verification (credentials), changes of
address (email_changes), login sessions (sessions), profiles, privacy
settings (privacy_settings), what each reply copies of its person (copies), the daily
caps' record (actions), a deleted person taken out of others' mail
(mentions), and the accounts' part of My data (personal_data)."""
