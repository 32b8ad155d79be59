"""Community pages: the public page, listing and search, settings, admins,
a person's communities. Each view loads, calls one service and answers; the
edge commits. The other views of this blueprint live beside this module
(member_views, event_views) and register on its `bp`."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("communities", __name__)

# The blueprint's other view modules add their routes to `bp` when imported.
from meetup.communities import event_views, member_views, report_views  # noqa: E402, F401
