"""Flask app factory: one container, the blueprints, OpenAPI, JSON errors, request logging."""

from __future__ import annotations

import time
from types import FunctionType

import structlog
from flask import Flask, g, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from application.ports import StorageUnavailable
from entrypoints.cli import register_commands
from entrypoints.console import register_console
from entrypoints.container import Container, build_container
from entrypoints.http import auth, health, jobs, metrics, request_context, reviews, webhook
from entrypoints.http.responses import error, invalid_payload, unavailable
from entrypoints.http.webhook_fast import WebhookFastPath
from entrypoints.logging_config import configure_logging

log = structlog.get_logger(__name__)

_ERROR_NAMES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


class _App(Flask):
    """Flask with `ensure_sync` (which Flask's docs name as the method to override) answered
    from a cache for plain functions: Flask asks it for every hook and view of every request,
    and each answer inspected the function again (2 % of a webhook request)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync_functions: dict = {}

    def ensure_sync(self, func):
        if type(func) is not FunctionType:  # bound methods are new objects on every call
            return super().ensure_sync(func)
        sync = self._sync_functions.get(func)
        if sync is None:
            sync = self._sync_functions[func] = super().ensure_sync(func)
        return sync


def create_app(container: Container | None = None) -> Flask:
    container = container or build_container()
    settings = container.settings()  # validates: refuses to start on bad configuration
    configure_logging(settings.log_format, settings.log_level, settings.secret_values())

    app = _App(__name__)
    app.config.update(
        API_TITLE="creditor-inbox",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
    )
    app.extensions["container"] = container
    # Views and commands take their collaborators with @inject / Provide[Container.…].
    container.wire(modules=[webhook, jobs, reviews, auth, health])
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A user's API token (flask users token) or JOBS_API_TOKEN",
        },
    )
    for blueprint in (webhook.blp, jobs.blp, reviews.blp, health.blp):
        api.register_blueprint(blueprint)
    # /metrics is for Prometheus, not part of the OpenAPI document.
    app.register_blueprint(metrics.blp)
    register_console(app, settings)
    _register_error_handlers(app)
    _register_request_logging(app)
    _register_database_deadline(app, settings.database_request_deadline_seconds)
    register_commands(app, container)
    # Last: it stands in for the hooks above on the webhook's plain case (webhook_fast.py).
    app.wsgi_app = WebhookFastPath(app, settings.database_request_deadline_seconds)
    _warn_about_open_doors(settings)
    return app


def _warn_about_open_doors(settings) -> None:
    if not settings.zendesk_webhook_secret:
        log.warning("webhook_signatures_disabled", reason="ZENDESK_WEBHOOK_SECRET is unset")
    if settings.is_production and not settings.jobs_api_token:
        log.warning(
            "jobs_api_open",
            reason="JOBS_API_TOKEN is unset: until the first user is created "
            "(flask users create), the API relies on a private network",
        )


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(exc: StorageUnavailable):
        log.error("storage_unavailable", path=request.path, error=str(exc))
        return unavailable()

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        # webargs (flask-smorest's @blp.arguments) attaches {location: {field: [messages]}}
        messages = (getattr(exc, "data", None) or {}).get("messages")
        if code == 400 and messages:
            return invalid_payload({k: v for loc in messages.values() for k, v in loc.items()})
        response = error(code, _ERROR_NAMES.get(code, "http_error"))
        # Keep what the exception says beyond its body: Allow on 405, WWW-Authenticate, …
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled_error", error_type=type(exc).__name__)
        return error(500, "internal")


def _register_database_deadline(app: Flask, seconds: float) -> None:
    @app.before_request
    def start_deadline():
        g.database_deadline = request_context.start_deadline(seconds)

    @app.teardown_request
    def end_deadline(_exc):
        request_context.end_deadline(g.pop("database_deadline", None))


def _register_request_logging(app: Flask) -> None:
    @app.before_request
    def bind_request():
        g.request_id = request_context.bind_request(request.headers.get("X-Request-ID"))
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        request_context.log_request(
            request.method, request.path, response.status_code, g.get("started")
        )
        return response

    @app.teardown_request
    def clear_context(_exc):
        request_context.end_request()
