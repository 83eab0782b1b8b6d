"""The webhook's fast path: a signed, valid JSON delivery stored without Flask's request
machinery (request and URL adapter objects, routing, session, hooks, response object: about
a fifth of a request's CPU, paid once per email).

It is WSGI middleware in front of the Flask app and serves POST /api/v1/webhooks/zendesk only
when the request is the plain case: a Content-Length within the limit, Content-Type
application/json, no test-signature mode, a valid signature and a payload that parses. Then it
does what the Flask view would (webhook.store: the same use case, the same last-resort
quarantine) and what the app's hooks would (request_context: request id and log context, the
database deadline, the `http_request` line; the webhook counter) and answers with the bytes
the view would. Anything else (a bad signature, an invalid payload, a 413, a test request)
goes to Flask with the body already read, so every error answer, its log line and its count
come from the one place that writes them. Stopping at the first doubt costs a second parse at
most, and only for a delivery that is refused anyway.
"""

from __future__ import annotations

import io
import json
import time

import structlog
from flask import Flask
from werkzeug.http import HTTP_STATUS_CODES

from adapters.metrics.requests import count_webhook
from entrypoints.http import request_context
from entrypoints.http.intake import parse_delivery
from entrypoints.http.responses import RETRY_AFTER_SECONDS
from entrypoints.http.signature import verify
from entrypoints.http.webhook import UNAVAILABLE, store

PATH = "/api/v1/webhooks/zendesk"
# The hooks of the app this path stands in for (a test keeps this list honest).
STANDS_IN_FOR = {
    "before_request": {"csrf_protect", "bind_request", "start_deadline"},
    "after_request": {"count_webhook_answer", "log_request"},
    "teardown_request": {"clear_context", "end_deadline"},
}
_SIGNATURE = "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE"
_TIMESTAMP = "HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP"


def _json_line(value: dict) -> bytes:
    """What jsonify() writes outside debug mode."""
    return json.dumps(value, separators=(",", ":")).encode() + b"\n"


_ANSWERS = {
    result: (200, _json_line({"status": result}), ()) for result in ("accepted", "duplicate")
} | {
    UNAVAILABLE: (503, _json_line({"error": UNAVAILABLE}), (("Retry-After", RETRY_AFTER_SECONDS),))
}


class WebhookFastPath:
    def __init__(self, app: Flask, deadline_seconds: float) -> None:
        self._app = app
        self._flask = app.wsgi_app
        self._deadline_seconds = deadline_seconds

    def __call__(self, environ: dict, start_response):
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self._flask(environ, start_response)
        started = time.perf_counter()
        deadline = request_context.start_deadline(self._deadline_seconds)
        try:
            try:
                delivery = self._plain_delivery(environ)
            except Exception:  # noqa: BLE001 - refused or unexpected: Flask answers it as usual
                delivery = None
            if delivery is None:
                result = None
            else:
                container, clock, body, content_type, email = delivery
                result = store(container, clock, body, content_type, email)
        finally:
            request_context.end_deadline(deadline)
        if result is None:
            return self._flask(environ, start_response)
        count_webhook(result)
        status, body, headers = _ANSWERS[result]
        request_context.log_request("POST", PATH, status, started)
        request_id = structlog.contextvars.get_contextvars().get("request_id", "")
        request_context.end_request()
        start_response(
            f"{status} {HTTP_STATUS_CODES[status].upper()}",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                *headers,
                ("X-Request-ID", request_id),
            ],
        )
        return [body]

    def _plain_delivery(self, environ: dict):
        """(container, clock, body, content type, email) of a plain delivery, else None."""
        container = self._app.extensions["container"]
        settings = container.settings()
        content_type = environ.get("CONTENT_TYPE") or ""
        length = int(environ.get("CONTENT_LENGTH") or "-1")
        if (
            not 0 <= length <= settings.max_webhook_bytes
            or "HTTP_TRANSFER_ENCODING" in environ
            or settings.zendesk_accept_test_signature
            or content_type.partition(";")[0].strip().lower() != "application/json"
        ):
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # Flask may read it again
        if len(body) != length:
            return None
        request_context.bind_request(environ.get("HTTP_X_REQUEST_ID"))
        clock = container.clock()
        if settings.zendesk_webhook_secret:
            verify(
                settings.zendesk_webhook_secret,
                environ.get(_SIGNATURE),
                environ.get(_TIMESTAMP),
                body,
                clock.now(),
                settings.webhook_timestamp_tolerance_seconds,
            )
        email = parse_delivery(body, "application/json", clock.now())
        return container, clock, body, content_type, email
