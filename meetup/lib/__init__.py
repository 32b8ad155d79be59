"""Pure helpers with no database: text, time zones, Markdown, signed tokens,
URLs, spreadsheet-safe cells, browser names. Anything here can be used from
any layer."""
