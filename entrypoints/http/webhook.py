"""POST /api/v1/webhooks/zendesk: verify, validate, store durably, then hand to the queue.

The one endpoint called for every email, so its HTTP path is lean: a plain Flask view (no
flask-smorest response wrappers, no dependency-injector wrapper; its collaborators come from
the app's container on each call, so provider overrides still apply) that answers with
prebuilt bodies and tells the webhook counter its result through `g` instead of having the
counter parse the response again. It stays in the OpenAPI document: flask-smorest reads a
route's documentation from the view's `_apidoc` attribute when the route is added, so the
documenting decorators are applied to a stand-in that is never called and their `_apidoc` is
given to the view.
"""

from __future__ import annotations

import json

import structlog
from flask import Response, current_app, g, request
from flask_smorest import Blueprint

from application.intake_quarantine import IntakeQuarantine
from application.ports import Clock, StorageUnavailable
from application.receive_email import ReceiveEmail
from domain.errors import safe_message
from domain.values import InboundEmail
from entrypoints.http.intake import InvalidDelivery, parse_delivery
from entrypoints.http.metrics import WEBHOOK_RESULT, count_webhook_answer
from entrypoints.http.responses import error, invalid_payload, unavailable
from entrypoints.http.schemas import ErrorResponseSchema, StatusSchema
from entrypoints.http.signature import SignatureError, is_test_request, verify
from entrypoints.http.webhook_schemas import WebhookPayloadSchema

log = structlog.get_logger(__name__)
blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks", description="Zendesk intake")

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
blp.after_request(count_webhook_answer)
UNAVAILABLE = "unavailable"
# The 200 bodies, byte for byte what jsonify() writes outside debug mode.
_OK_BODIES = {
    status: json.dumps({"status": status}, separators=(",", ":")).encode() + b"\n"
    for status in ("accepted", "duplicate", "test")
}


def _ok(status: str) -> Response:
    g.setdefault(WEBHOOK_RESULT, status)
    return Response(_OK_BODIES[status], mimetype="application/json")


def _documentation(view):
    """The route's OpenAPI description (flask-smorest's decorators, on a stand-in)."""

    @blp.doc(
        summary="Receive one creditor email from the Zendesk trigger",
        requestBody={
            "required": True,
            "content": {"application/json": {"schema": WebhookPayloadSchema}},
        },
        parameters=[
            {
                "in": "header",
                "name": SIGNATURE_HEADER,
                "required": True,
                "schema": {"type": "string"},
            },
            {
                "in": "header",
                "name": TIMESTAMP_HEADER,
                "required": True,
                "schema": {"type": "string"},
            },
        ],
    )
    @blp.response(
        200,
        StatusSchema,
        description="accepted (new email), duplicate (seen before), or test (Zendesk's test "
        "request, signed with its public test secret, when ZENDESK_ACCEPT_TEST_SIGNATURE is on; "
        "nothing stored)",
    )
    @blp.alt_response(400, schema=ErrorResponseSchema, description="invalid_payload")
    @blp.alt_response(401, schema=ErrorResponseSchema, description="invalid_signature")
    @blp.alt_response(413, schema=ErrorResponseSchema, description="payload_too_large")
    @blp.alt_response(415, schema=ErrorResponseSchema, description="unsupported_media_type")
    @blp.alt_response(503, schema=ErrorResponseSchema, description="unavailable (Retry-After)")
    def stand_in():  # pragma: no cover - never called
        raise NotImplementedError

    view._apidoc = stand_in._apidoc
    return view


def receive_zendesk_email():
    container = current_app.extensions["container"]
    settings = container.settings()
    clock: Clock = container.clock()
    length = request.content_length
    if length is not None and length > settings.max_webhook_bytes:
        return error(413, "payload_too_large")
    body = request.stream.read(settings.max_webhook_bytes + 1)
    if len(body) > settings.max_webhook_bytes:
        return error(413, "payload_too_large")

    headers = request.headers
    if settings.zendesk_accept_test_signature and is_test_request(
        headers.get(SIGNATURE_HEADER),
        headers.get(TIMESTAMP_HEADER),
        body,
        clock.now(),
        settings.webhook_timestamp_tolerance_seconds,
    ):
        # Zendesk's "Test webhook" before the webhook (and its own secret) exists.
        log.info("webhook_test_request_answered", bytes=len(body))
        return _ok("test")

    if settings.zendesk_webhook_secret:
        try:
            verify(
                settings.zendesk_webhook_secret,
                headers.get(SIGNATURE_HEADER),
                headers.get(TIMESTAMP_HEADER),
                body,
                clock.now(),
                settings.webhook_timestamp_tolerance_seconds,
            )
        except SignatureError as exc:
            log.warning("webhook_signature_rejected", reason=str(exc))
            return error(401, "invalid_signature")

    content_type = request.content_type
    try:
        return _accept(container, clock, body, content_type, request.mimetype)
    except Exception as exc:  # noqa: BLE001 - the last-resort guard: never a 500 to Zendesk
        quarantine(container.intake_quarantine(), clock, body, content_type, exc)
        return unavailable()


blp.add_url_rule("/zendesk", view_func=_documentation(receive_zendesk_email), methods=["POST"])


def _accept(container, clock: Clock, body: bytes, content_type, mimetype) -> Response:
    try:
        email = parse_delivery(body, mimetype, clock.now())
    except InvalidDelivery as exc:
        if exc.status == 415:
            return error(415, "unsupported_media_type")
        return invalid_payload(exc.details)
    result = store(container, clock, body, content_type, email)
    return unavailable() if result == UNAVAILABLE else _ok(result)


def store(container, clock: Clock, body: bytes, content_type, email: InboundEmail) -> str:
    """Store a valid delivery as a job and name the answer: accepted, duplicate, or
    unavailable (503: the database refused, or an unexpected error quarantined the bytes).
    Never raises. Shared by the view and the fast path (webhook_fast.py)."""
    try:
        structlog.contextvars.bind_contextvars(ticket_id=email.ticket_id)
        receive_email: ReceiveEmail = container.receive_email()
        try:
            result = receive_email(email)
        except StorageUnavailable as exc:
            log.error("webhook_storage_unavailable", error=str(exc))
            return UNAVAILABLE
        structlog.contextvars.bind_contextvars(job_id=result.job_id)
        log.info(
            "webhook_answered", status=result.status.value, handed_to_queue=result.handed_to_queue
        )
        return result.status.value
    except Exception as exc:  # noqa: BLE001 - the last-resort guard: never a 500 to Zendesk
        quarantine(container.intake_quarantine(), clock, body, content_type, exc)
        return UNAVAILABLE


def quarantine(
    intake_quarantine: IntakeQuarantine, clock: Clock, body: bytes, content_type, exc: Exception
) -> None:
    """A signed delivery met an unexpected error: keep its bytes (the answer is a 503, and
    Zendesk retries)."""
    summary = safe_message(str(exc)) or type(exc).__name__
    log.error("intake_unexpected_error", error_type=type(exc).__name__, error=summary, exc_info=exc)
    try:
        quarantine_id = intake_quarantine.keep(
            body, content_type, type(exc).__name__, summary, clock.now()
        )
    except Exception as keep_error:  # noqa: BLE001 - the database may be the cause
        log.error(
            "intake_quarantine_failed",
            error_type=type(keep_error).__name__,
            error=safe_message(str(keep_error)),
        )
    else:
        log.warning(
            "delivery_quarantined",
            quarantine_id=quarantine_id,
            replay=f"flask intake quarantine replay {quarantine_id}",
        )
