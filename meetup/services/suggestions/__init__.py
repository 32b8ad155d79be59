"""Who you should meet: scoring and stored suggestions."""
