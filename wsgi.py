"""WSGI entry point: `gunicorn wsgi:app` (see gunicorn.conf.py)."""

from meetup import create_app

app = create_app()
