"""`flask meetup ...`: commands for operators and for `make run`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from meetup.extensions import db
from meetup.services import demo

meetup_cli = AppGroup("meetup", help="Meetup commands.")


@meetup_cli.command("seed-demo")
def seed_demo_command() -> None:
    """Fill an empty database with demo data; do nothing if it has data."""
    if not demo.seed_demo():
        click.echo("The database already has data; demo data not added.")
    else:
        db.session.commit()
        click.echo("Demo data added.")
    click.echo(f"Demo login: {demo.DEMO_LOGIN_EMAIL} / {demo.DEMO_PASSWORD}")
