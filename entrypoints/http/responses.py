"""JSON error responses with the SPEC's error names."""

from __future__ import annotations

from flask import Response, jsonify


def error(http_status: int, name: str, **extra) -> Response:
    response = jsonify({"error": name, **extra})
    response.status_code = http_status
    return response
