"""One delivery's bytes → a validated InboundEmail, shared by the webhook and the quarantine
replay (`flask intake quarantine replay`), so both apply exactly the same rules.

Text is made storable before validation: NUL characters are removed (PostgreSQL cannot store
them) and lone UTF-16 surrogates become U+FFFD (no database can); the email is kept and the
change is logged with the names of the fields it touched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog
from marshmallow import ValidationError

from domain.values import InboundEmail
from entrypoints.http.responses import flatten_messages
from entrypoints.http.webhook_schemas import WebhookPayloadSchema, inbound_email

log = structlog.get_logger(__name__)

_payload_schema = WebhookPayloadSchema()
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# received_at outside this range is a broken sender, not an email: 400 with details.
EARLIEST_RECEIVED_AT = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass
class InvalidDelivery(Exception):
    """The delivery cannot become a job: `status` 400 (invalid_payload) or 415."""

    status: int
    details: dict[str, list[str]] = field(default_factory=dict)


def is_json(mimetype: str | None) -> bool:
    mimetype = (mimetype or "").split(";")[0].strip().lower()
    return mimetype == "application/json" or mimetype.endswith("+json")


def parse_delivery(body: bytes, mimetype: str | None, now: datetime) -> InboundEmail:
    if not is_json(mimetype):
        raise InvalidDelivery(415)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidDelivery(400, {"_body": ["Body is not valid UTF-8."]}) from None
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidDelivery(400, {"_body": ["JSON nesting is too deep."]}) from None
    except ValueError as exc:
        raise InvalidDelivery(400, {"_body": [f"Malformed JSON: {exc}"[:200]]}) from None
    if not isinstance(payload, dict):
        raise InvalidDelivery(400, {"_body": ["Expected a JSON object."]})
    touched: list[str] = []
    try:
        if "\\u" in text:
            # NUL and lone surrogates can only come from a \u escape: UTF-8 decoding rejects
            # raw surrogates and json.loads raw control characters. Without one, the walk
            # would change nothing.
            payload = _storable(payload, "", touched)
        data = _payload_schema.load(payload)
    except ValidationError as exc:
        raise InvalidDelivery(400, flatten_messages(exc.messages)) from None
    except RecursionError:
        raise InvalidDelivery(400, {"_body": ["JSON nesting is too deep."]}) from None
    _check_received_at(data.get("received_at"), now)
    if touched:
        log.warning("payload_sanitized", fields=sorted(set(touched)), ticket_id=data["ticket_id"])
    return inbound_email(data, now)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _storable(value, path: str, touched: list[str]):
    """NUL removed, lone surrogates replaced, at any depth; `touched` collects the paths."""
    if isinstance(value, str):
        cleaned = _LONE_SURROGATE.sub("\ufffd", value.replace("\x00", ""))
        if cleaned != value:
            touched.append(path or "_body")
        return cleaned
    if isinstance(value, dict):
        return {
            _storable(k, path, touched): _storable(v, f"{path}.{k}" if path else str(k), touched)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_storable(v, f"{path}.{i}", touched) for i, v in enumerate(value)]
    return value


def _check_received_at(received_at: datetime | None, now: datetime) -> None:
    if received_at is None:
        return
    try:
        value = received_at.astimezone(UTC)
    except (OverflowError, ValueError):
        value = None  # an offset that pushes it past year 1 or 9999
    latest = now + FUTURE_TOLERANCE
    if value is None or not EARLIEST_RECEIVED_AT <= value <= latest:
        raise InvalidDelivery(
            400,
            {
                "received_at": [
                    f"Must lie between {EARLIEST_RECEIVED_AT:%Y-%m-%d} and one day from now"
                    f" ({latest:%Y-%m-%dT%H:%M:%SZ})."
                ]
            },
        )
