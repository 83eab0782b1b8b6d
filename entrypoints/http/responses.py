"""JSON error responses with the SPEC's error names."""

from __future__ import annotations

from flask import Response, jsonify

RETRY_AFTER_SECONDS = "5"


def error(http_status: int, name: str, **extra) -> Response:
    response = jsonify({"error": name, **extra})
    response.status_code = http_status
    return response


def invalid_payload(messages) -> Response:
    """400 with marshmallow's messages as `details` = {"field.sub": ["message", …]}."""
    return error(400, "invalid_payload", details=flatten_messages(messages))


def unavailable() -> Response:
    response = error(503, "unavailable")
    response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def flatten_messages(messages) -> dict[str, list[str]]:
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
