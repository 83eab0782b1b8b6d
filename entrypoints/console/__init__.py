"""The web console (SPEC §9): server-rendered German pages under /console/ on the same app."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import structlog
from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer

from entrypoints.settings import VAR_DIR, Settings

log = structlog.get_logger(__name__)
csrf = CSRFProtect()

SESSION_LIFETIME = timedelta(hours=12)
SECRET_KEY_FILE = VAR_DIR / "console-secret.key"


def _secret_key(settings: Settings) -> str:
    """SECRET_KEY, else a random key kept in var/ (shared by the processes of one host)."""
    if settings.secret_key:
        return settings.secret_key
    if settings.is_production:
        log.warning(
            "console_secret_key_unset",
            reason="SECRET_KEY is unset: sessions are signed with a key file under var/, "
            "which other hosts do not share",
        )
    return _key_file(SECRET_KEY_FILE)


def _key_file(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_hex(32)
        handle.write(key)
    return key


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, opened for every request of the app (the webhook and
    the JSON API included): the signer is built once per key instead of per request, and a
    request without any cookie gets its empty session without parsing the headers for one."""

    _signers: dict = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if key not in self._signers:
            self._signers[key] = super().get_signing_serializer(app)
        return self._signers[key]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)


def register_console(app: Flask, settings: Settings) -> None:
    from entrypoints.console.views import blp

    app.config.update(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_NAME="creditor_inbox_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # The JSON API and the webhook carry no CSRF token; the console checks every POST itself.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.session_interface = _Sessions()
    csrf.init_app(app)
    app.register_blueprint(blp)
