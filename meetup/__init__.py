"""Meetup: professional networking events, from RSVP to lasting connections."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides settings (tests, scripts)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from meetup.config import load_config

    load_config(app, config)
    if app.config["PROXY_COUNT"]:
        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from meetup import edge, errorpages, login, models, security
    from meetup.database import configure_engine
    from meetup.extensions import csrf, db, limiter, migrate
    from meetup.transactions import begin_request_writes

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)

    login.init_app(app)
    security.init_app(app)
    app.before_request(begin_request_writes)
    errorpages.init_app(app)
    edge.init_app(app)
    app.shell_context_processor(lambda: {"db": db, "models": models})


def register_converters(app: Flask) -> None:
    from meetup import routing

    routing.register_converters(app)


def register_blueprints(app: Flask) -> None:
    from meetup.auth import views as auth
    from meetup.calendar import views as calendar
    from meetup.communities import views as communities
    from meetup.connections import views as connections
    from meetup.directory import views as directory
    from meetup.events import views as events
    from meetup.hosting import views as hosting
    from meetup.main import views as main
    from meetup.outcomes import views as outcomes
    from meetup.profiles import views as profiles
    from meetup.rsvps import views as rsvps
    from meetup.series import views as series

    blueprints = (
        main, events, auth, profiles, rsvps, hosting, calendar, directory, connections, outcomes,
        communities, series,
    )  # fmt: skip
    for blueprint in blueprints:
        app.register_blueprint(blueprint.bp)


def register_commands(app: Flask) -> None:
    from meetup.cli import meetup_cli

    app.cli.add_command(meetup_cli)
