"""HTML rendered once per process for each distinct value it shows (event
cards, directory card heads, a search form's fields): one policy for all."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache, wraps

from flask import current_app
from markupsafe import Markup

Render = Callable[..., Markup]


def rendered_once(maxsize: int) -> Callable[[Render], Render]:
    """Keep what `render` returns for each distinct set of arguments (an LRU
    of `maxsize`), so the arguments must name every value the HTML shows and
    nothing that belongs to one viewer only. Rendered anew each time while
    templates reload (debug), so an edited template shows at once."""

    def keep(render: Render) -> Render:
        kept = lru_cache(maxsize=maxsize)(render)

        @wraps(render)
        def once(*args: Hashable) -> Markup:
            return render(*args) if current_app.jinja_env.auto_reload else kept(*args)

        return once

    return keep
