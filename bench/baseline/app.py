"""The baseline: a minimal Flask + SQLAlchemy ORM page, served like ours.

One ORM query of 200 rows rendered into a template of about our pages' size,
under the same gunicorn config. Our pages are judged as a ratio to it.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from meetup.config import normalize_database_url

ROWS = 200

app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(os.environ["BENCH_DATABASE_URL"])
db = SQLAlchemy(app)


class BenchItem(db.Model):
    __tablename__ = "bench_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(200))


def prepare() -> None:
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(BenchItem.id).limit(1)) is None:
            db.session.add_all(
                BenchItem(name=f"Item {n}", description=f"The description of item number {n}.")
                for n in range(ROWS)
            )
            db.session.commit()


@app.get("/")
def index() -> str:
    items = db.session.scalars(select(BenchItem).order_by(BenchItem.id).limit(ROWS)).all()
    return render_template("index.html", items=items)
