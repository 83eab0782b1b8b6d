"""Zendesk webhook signatures: base64(HMAC-SHA256(secret, timestamp + raw body))."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

# The static secret Zendesk signs "Test webhook" requests with before a webhook exists (its
# documentation, "Verifying webhook authenticity"). Public: a request signed with it proves
# nothing, so it is only ever answered with {"status": "test"} and stores nothing.
ZENDESK_TEST_SIGNING_SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="


class SignatureError(Exception):
    """Missing or bad signature, or a timestamp outside the window (answered with 401)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def parse_timestamp(value: str) -> datetime:
    """Zendesk sends ISO-8601 ("2026-11-20T08:15:00Z"); unix seconds are accepted too."""
    value = value.strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SignatureError("timestamp is not ISO-8601 or unix seconds") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def is_test_request(
    signature: str | None, timestamp: str | None, body: bytes, now: datetime, tolerance: int
) -> bool:
    """Is this Zendesk's "Test webhook" request, signed with the public test secret?"""
    try:
        verify(ZENDESK_TEST_SIGNING_SECRET, signature, timestamp, body, now, tolerance)
    except SignatureError:
        return False
    return True


def verify(
    secret: str,
    signature: str | None,
    timestamp: str | None,
    body: bytes,
    now: datetime,
    tolerance_seconds: int,
) -> None:
    """Raise SignatureError unless the signature matches and the timestamp is fresh."""
    if not signature or not timestamp:
        raise SignatureError("signature or timestamp header missing")
    try:
        sent_at = parse_timestamp(timestamp)
    except (OverflowError, OSError, ValueError) as exc:
        raise SignatureError("timestamp out of range") from exc
    if abs((now - sent_at).total_seconds()) > tolerance_seconds:
        raise SignatureError("timestamp outside the accepted window")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise SignatureError("signature does not match")
