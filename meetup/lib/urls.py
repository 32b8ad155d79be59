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
