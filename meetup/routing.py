"""What a URL may carry: ids the database can hold, text without control
characters, and page numbers within reach. Registered on the app before any
blueprint, so every route uses them (`<id:rsvp_id>`, and `<slug>` is text).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, request, url_for
from werkzeug.routing import BaseConverter, IntegerConverter, Map

# Ids are INTEGER columns: PostgreSQL's int4 and anything SQLite takes.
MAX_ID = 2**31 - 1
# Beyond this no listing has anything to show: OFFSET stays small for the database.
MAX_PAGE = 10_000


class IdConverter(IntegerConverter):
    """A row id, 1 to MAX_ID: a bigger number matches no route (404) instead of
    reaching the database, which refuses it with an error."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class TextConverter(BaseConverter):
    """Any text up to the next slash but control characters (PostgreSQL refuses
    NUL in text; nobody types an escape): slugs, tokens, topics."""

    regex = r"[^/\x00-\x1f\x7f]+"


def page_number() -> int:
    """The `page` query argument: 1 when absent or not a number, at least 1.

    :raise 404: beyond MAX_PAGE, where no listing has anything.
    """
    page = request.args.get("page", 1, type=int)
    if page > MAX_PAGE:
        abort(404)
    return max(page, 1)


def page_url(number: int) -> str:
    """This page's address with its query arguments as they are, at page `number`."""
    arguments = request.args.copy()
    arguments["page"] = str(number)
    path = url_for(request.endpoint or "", **(request.view_args or {}))
    return f"{path}?{urlencode(list(arguments.items(multi=True)))}"


# Stand for the varying value while url_for_each builds its URL: text that
# the converter leaves as it is, and that no route holds; a number for an id.
_MARKER = "url-for-each-5f3a9c"
_ID_MARKER = 1_987_654_321  # within MAX_ID


def url_for_each(endpoint: str, vary: str, **values: Any) -> Callable[[Any], str]:
    """url_for(endpoint, **{vary: value}) for many values of one text segment
    (`<slug>`, `<topic>`: the default converter) or id (`<id:person_id>`)
    without a werkzeug build per value (a list's 20 event and 60 topic links
    cost a quarter of its rendering): the URL is built once, each value
    quoted as TextConverter quotes it (an id: as a number)."""
    marker, segment = _MARKER, _segment
    try:
        built = url_for(endpoint, **{vary: marker}, **values)
    except ValueError:  # an id's converter takes numbers only
        marker, segment = str(_ID_MARKER), _number
        built = url_for(endpoint, **{vary: _ID_MARKER}, **values)
    head, found, tail = built.partition(marker)
    if not found or marker in tail or "?" in head:
        raise ValueError(f"{endpoint}: {vary} is not a segment of its path")
    return lambda value: f"{head}{segment(value)}{tail}"


def _number(value: int) -> str:
    return str(int(value))


# A value quoted as TextConverter quotes it, cached: the same slugs and topics
# are on every page.
_segment = lru_cache(maxsize=4096)(TextConverter(Map()).to_url)


def register_converters(app: Flask) -> None:
    """Call before registering blueprints: rules pick their converters when added."""
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
