"""Absolute links to the site, for mail and calendar files (no request needed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL on MEETUP_BASE_URL, for links in mail (no request needed)."""
    return url_builder()(endpoint, **values)


def url_builder() -> Callable[..., str]:
    """external_url for many links (a job's): the URL map bound once."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )

    def build(endpoint: str, **values: Any) -> str:
        return adapter.build(endpoint, values, force_external=True)

    return build


_MARKER = 987_654_321_012_345  # stands for the varying value while a URL is built


def url_per_id(endpoint: str, vary: str, **values: Any) -> Callable[[int], str]:
    """external_url for many links that differ only in one id, a path
    segment (`vary`): werkzeug builds the URL once, each link is formatted
    (a job's 10,000 person links)."""
    built = url_builder()(endpoint, **{vary: _MARKER}, **values)
    head, found, tail = built.partition(f"/{_MARKER}")
    if not found or str(_MARKER) in head + tail:
        raise ValueError(f"{endpoint}: {vary} is not one path segment")
    return lambda value: f"{head}/{int(value)}{tail}"
