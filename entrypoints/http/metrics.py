"""GET /metrics (SPEC §11): Prometheus text format, behind METRICS_TOKEN when it is set.

Job numbers are read from SQL at scrape time (adapters/metrics/collector.py); the webhook
counter is summed over the gunicorn workers (multiprocess mode, gunicorn.conf.py).
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, g, request

from adapters.metrics.collector import JobMetricsCollector
from adapters.metrics.requests import count_webhook, render
from entrypoints.http.responses import error

blp = Blueprint("metrics", __name__)

# How each webhook answer is counted (creditor_inbox_webhook_requests_total{result}).
_RESULT_BY_STATUS = {
    400: "invalid_payload",
    401: "invalid_signature",
    413: "payload_too_large",
    415: "unsupported_media_type",
    503: "unavailable",
}


# Where the webhook view leaves its result (accepted, duplicate, test) for the counter.
WEBHOOK_RESULT = "webhook_result"


def webhook_result(response: Response) -> str | None:
    if response.status_code == 200:
        return g.get(WEBHOOK_RESULT)
    return _RESULT_BY_STATUS.get(response.status_code)


def count_webhook_answer(response: Response) -> Response:
    """after_request of the webhook blueprint: one count per answered delivery (the view
    names a 200's result; any other answer, an error handler's included, by its status)."""
    result = webhook_result(response)
    if result:
        count_webhook(result)
    return response


def _authorized(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@blp.route("/metrics", methods=["GET"])
def metrics():
    container = current_app.extensions["container"]
    token = container.settings().metrics_token
    if token and not _authorized(token):
        response = error(401, "unauthorized")
        response.headers["WWW-Authenticate"] = 'Bearer realm="creditor-inbox metrics"'
        return response
    collector = JobMetricsCollector(container.metrics_source().snapshot, container.clock().now)
    body, content_type = render(collector)
    return Response(body, status=200, headers={"Content-Type": content_type})
