"""Render the trigger's JSON body template the way Zendesk does."""

from __future__ import annotations

import json

from entrypoints.http.trigger_body import PLACEHOLDERS, trigger_body


def render_trigger_body(values: dict[str, str]) -> bytes:
    """Each placeholder replaced by its plain-text value, escaped for the JSON string it sits
    in (Zendesk escapes placeholder values in a JSON body); a missing value renders as ""."""
    text = trigger_body()
    for field, placeholder in PLACEHOLDERS.items():
        value = values.get(field, "")
        text = text.replace(placeholder, json.dumps(value, ensure_ascii=False)[1:-1])
    return text.encode()
