"""Forms of the communities blueprint."""
