"""POST /api/v1/webhooks/zendesk: verify, validate, store durably, then hand to the queue."""

from __future__ import annotations

import json

import structlog
from flask import Response, current_app, jsonify, request
from flask_smorest import Blueprint
from marshmallow import ValidationError

from application.ports import StorageUnavailable
from entrypoints.http.metrics import count_webhook_answer
from entrypoints.http.responses import error
from entrypoints.http.schemas import (
    ErrorResponseSchema,
    StatusSchema,
    WebhookPayloadSchema,
    inbound_email,
)
from entrypoints.http.signature import SignatureError, verify

log = structlog.get_logger(__name__)
blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks", description="Zendesk intake")

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
RETRY_AFTER_SECONDS = "5"
_payload_schema = WebhookPayloadSchema()
blp.after_request(count_webhook_answer)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def invalid(details: dict) -> Response:
    return error(400, "invalid_payload", details=details)


@blp.route("/zendesk", methods=["POST"])
@blp.doc(
    summary="Receive one creditor email from the Zendesk trigger",
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": WebhookPayloadSchema}},
    },
    parameters=[
        {"in": "header", "name": SIGNATURE_HEADER, "required": True, "schema": {"type": "string"}},
        {"in": "header", "name": TIMESTAMP_HEADER, "required": True, "schema": {"type": "string"}},
    ],
)
@blp.response(200, StatusSchema, description="accepted (new email) or duplicate (seen before)")
@blp.alt_response(400, schema=ErrorResponseSchema, description="invalid_payload")
@blp.alt_response(401, schema=ErrorResponseSchema, description="invalid_signature")
@blp.alt_response(413, schema=ErrorResponseSchema, description="payload_too_large")
@blp.alt_response(415, schema=ErrorResponseSchema, description="unsupported_media_type")
@blp.alt_response(503, schema=ErrorResponseSchema, description="unavailable (Retry-After)")
def receive_zendesk_email():
    container = current_app.extensions["container"]
    settings = container.settings()
    length = request.content_length
    if length is not None and length > settings.max_webhook_bytes:
        return error(413, "payload_too_large")
    body = request.stream.read(settings.max_webhook_bytes + 1)
    if len(body) > settings.max_webhook_bytes:
        return error(413, "payload_too_large")

    if settings.zendesk_webhook_secret:
        try:
            verify(
                settings.zendesk_webhook_secret,
                request.headers.get(SIGNATURE_HEADER),
                request.headers.get(TIMESTAMP_HEADER),
                body,
                container.clock().now(),
                settings.webhook_timestamp_tolerance_seconds,
            )
        except SignatureError as exc:
            log.warning("webhook_signature_rejected", reason=str(exc))
            return error(401, "invalid_signature")

    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        return error(415, "unsupported_media_type")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return invalid({"_body": ["Body is not valid UTF-8."]})
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        return invalid({"_body": ["JSON nesting is too deep."]})
    except ValueError as exc:
        return invalid({"_body": [f"Malformed JSON: {exc}"[:200]]})
    if not isinstance(payload, dict):
        return invalid({"_body": ["Expected a JSON object."]})
    try:
        data = _payload_schema.load(payload)
    except ValidationError as exc:
        return invalid(_flatten(exc.messages))
    except RecursionError:
        return invalid({"_body": ["JSON nesting is too deep."]})

    email = inbound_email(data, container.clock().now())
    structlog.contextvars.bind_contextvars(ticket_id=email.ticket_id)
    try:
        result = container.receive_email()(email)
    except StorageUnavailable as exc:
        log.error("webhook_storage_unavailable", error=str(exc))
        response = error(503, "unavailable")
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    structlog.contextvars.bind_contextvars(job_id=result.job_id)
    log.info("webhook_answered", status=result.status.value, handed_to_queue=result.handed_to_queue)
    return jsonify({"status": result.status.value})


def _flatten(messages) -> dict[str, list[str]]:
    """marshmallow's nested messages → {"field.sub": ["message", …]} (the SPEC's shape)."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "_body", []).extend(value)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            flat.setdefault(prefix or "_body", []).append(str(value))

    walk("", messages)
    return flat
