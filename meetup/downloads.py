"""Files the site hands out (CSV exports): one way to answer with them."""

from __future__ import annotations

from werkzeug.wrappers import Response

from meetup.lib.text import slugify


def private_download(body: str, *, title: str, suffix: str, mimetype: str) -> Response:
    """An attachment named after `title` (ASCII, safe in the header), never
    stored by caches: exports hold people's details."""
    filename = f"{slugify(title) or 'event'}-{suffix}"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
