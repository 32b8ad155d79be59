"""My data and account deletion: the registry of every domain's part.

Each domain keeps the export and erasure of its own tables in its
`personal_data` module; this package, at the top of the services, lists them
in order. No domain imports it."""
