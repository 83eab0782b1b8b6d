"""WSGI entry: `gunicorn wsgi:app`, `flask --app wsgi …`. Configuration comes from the environment."""

from entrypoints.http.app import create_app

app = create_app()
