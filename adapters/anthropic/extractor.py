"""ClaudeExtractor: the Extractor port on the anthropic SDK with forced tool use.

The SDK's own retries are off (max_retries=0) so our RetryPolicy counts every attempt; SDK
exceptions are translated at this boundary into the domain's TransientError/PermanentError.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import anthropic
import structlog

from application.ports import Extractor
from domain.errors import PermanentError, TransientError
from domain.values import Extraction

log = structlog.get_logger(__name__)

TOOL_NAME = "record_creditor_reply"
MAX_BODY_CHARS = 20_000
# Status codes a later attempt may get past; other 4xx are the request's own fault.
_TRANSIENT_STATUS = {408, 409, 425, 429}

EXTRACTION_TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": "Record what a creditor's reply email to a debt-settlement practice says.",
    "input_schema": {
        "type": "object",
        "properties": {
            "is_creditor_reply": {
                "type": "boolean",
                "description": "False for auto-replies, out-of-office, delivery failures, newsletters, spam.",
            },
            "client_name": {
                "type": ["string", "null"],
                "description": "The debtor (the practice's client).",
            },
            "client_reference": {
                "type": ["string", "null"],
                "description": "The practice's reference (Ihr Zeichen / Ihr Az. / Az. in the subject).",
            },
            "creditor_name": {
                "type": ["string", "null"],
                "description": "The creditor or its collection agency.",
            },
            "creditor_reference": {
                "type": ["string", "null"],
                "description": "The creditor's own reference (Unser Zeichen, Kundennummer, Vertragsnummer).",
            },
            "claim_amount": {
                "type": ["string", "null"],
                "description": "Total amount claimed now, as a decimal with a dot, e.g. '1234.56'; '0.00' if settled.",
            },
            "currency": {"type": ["string", "null"], "description": "ISO 4217 code, e.g. EUR."},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["is_creditor_reply", "confidence"],
    },
}

SYSTEM_PROMPT = (
    "You read replies from creditors (Gläubiger) to a German debt-settlement practice. "
    "Extract the claim (Forderung) the creditor states now: the total (Gesamtforderung) wins over "
    "components such as Hauptforderung, Zinsen and Kosten. Ignore amounts in quoted earlier mails. "
    f"Always answer by calling the {TOOL_NAME} tool."
)


class ClaudeExtractor(Extractor):
    name = "anthropic"

    def __init__(
        self,
        api_key: str,
        model: str,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_tokens: int = 1024,
        client: anthropic.Anthropic | None = None,
    ) -> None:
        self._model = model
        self._max_tokens = max_tokens
        self._client = client or anthropic.Anthropic(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0
        )

    def extract(
        self, cleaned_body: str, subject: str, from_email: str, from_name: str | None
    ) -> Extraction:
        content = (
            f"From: {from_name or ''} <{from_email}>\nSubject: {subject}\n\n"
            f"{(cleaned_body or '')[:MAX_BODY_CHARS]}"
        )
        try:
            response = self._client.messages.create(
                model=self._model,
                max_tokens=self._max_tokens,
                system=SYSTEM_PROMPT,
                tools=[EXTRACTION_TOOL],
                tool_choice={"type": "tool", "name": TOOL_NAME},
                messages=[{"role": "user", "content": content}],
            )
        except anthropic.APIConnectionError as exc:  # includes APITimeoutError
            raise TransientError(str(exc), type(exc).__name__) from exc
        except anthropic.APIStatusError as exc:
            error = (
                TransientError
                if exc.status_code in _TRANSIENT_STATUS or exc.status_code >= 500
                else PermanentError
            )
            raise error(f"{exc.status_code}: {_short(exc)}", type(exc).__name__) from exc
        except anthropic.AnthropicError as exc:  # response validation, credentials, …
            raise PermanentError(str(exc), type(exc).__name__) from exc
        log.info(
            "claude_extraction",
            model=self._model,
            stop_reason=getattr(response, "stop_reason", None),
        )
        return self._parse(response)

    def _parse(self, response: Any) -> Extraction:
        blocks = [
            b
            for b in getattr(response, "content", None) or []
            if getattr(b, "type", None) == "tool_use" and getattr(b, "name", None) == TOOL_NAME
        ]
        if not blocks:
            raise PermanentError(f"Claude answered without calling {TOOL_NAME}", "MissingToolCall")
        data = blocks[0].input
        if not isinstance(data, dict):
            raise PermanentError("tool input is not an object", "InvalidToolInput")
        try:
            return _extraction_from(data, self.name)
        except (ValueError, TypeError, InvalidOperation) as exc:
            raise PermanentError(f"invalid tool input: {exc}", "InvalidToolInput") from exc


def _extraction_from(data: dict[str, Any], extractor: str) -> Extraction:
    if not isinstance(data.get("is_creditor_reply"), bool):
        raise ValueError("is_creditor_reply must be a boolean")
    confidence = data.get("confidence")
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not 0 <= confidence <= 1
    ):
        raise ValueError(f"confidence must be a number in [0, 1], got {confidence!r}")
    amount = data.get("claim_amount")
    claim_amount = None
    if amount is not None:
        text = str(amount).strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        claim_amount = Decimal(text)
        if not claim_amount.is_finite() or claim_amount < 0:
            raise ValueError(f"claim_amount must be a non-negative amount, got {amount!r}")
        claim_amount = claim_amount.quantize(Decimal("0.01"))
    currency = data.get("currency")
    if currency is not None and (not isinstance(currency, str) or len(currency.strip()) != 3):
        raise ValueError(f"currency must be a 3-letter code, got {currency!r}")

    def text_field(name: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string")
        return value.strip()[:255] or None

    return Extraction(
        is_creditor_reply=data["is_creditor_reply"],
        client_name=text_field("client_name"),
        client_reference=text_field("client_reference"),
        creditor_name=text_field("creditor_name"),
        creditor_reference=text_field("creditor_reference"),
        claim_amount=claim_amount,
        currency=currency.strip().upper()
        if currency
        else ("EUR" if claim_amount is not None else None),
        confidence=float(confidence),
        extractor=extractor,
    )


def _short(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc)[:300]
