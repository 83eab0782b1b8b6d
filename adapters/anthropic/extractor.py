"""ClaudeExtractor: the Extractor port on the anthropic SDK with forced tool use.

The SDK's own retries are off (max_retries=0) so our RetryPolicy counts every attempt; SDK
exceptions are translated at this boundary into the domain's TransientError/PermanentError.
The system prompt and the tool definition are marked for prompt caching (they are the same on
every call); each call logs its token usage. The tool input passes a marshmallow schema and
becomes the same Extraction the rules give (adapters/anthropic/mapping.py): evidence quotes are
located in the body, an amount whose quote is not in the email is a conflict (a hallucinated
figure is never booked), amount doubts are named conflicts, a payment beside the claim is the
`payment` evidence the safety rule weighs against the claim on file.
"""

from __future__ import annotations

from typing import Any

import anthropic
import structlog
from marshmallow import ValidationError

from adapters.anthropic.mapping import extraction_from
from adapters.anthropic.tool_input import EXTRACTION_TOOL, TOOL_NAME, ToolInputSchema
from application.pipeline_ports import Extractor
from domain.errors import PermanentError, TransientError
from domain.extraction import Extraction

__all__ = ["EXTRACTION_TOOL", "TOOL_NAME", "ClaudeExtractor"]

log = structlog.get_logger(__name__)

MAX_BODY_CHARS = 20_000
# Status codes a later attempt may get past; other 4xx are the request's own fault.
_TRANSIENT_STATUS = {408, 409, 425, 429}

SYSTEM_PROMPT = (
    "You read replies from creditors (Gläubiger) to a German debt-settlement practice. "
    "Extract the claim (Forderung) the creditor states now: the total (Gesamtforderung) wins over "
    "components such as Hauptforderung, Zinsen and Kosten wherever they stand; after a partial "
    "payment the claim is what remains, as the letter states it; a settled account is 0.00; an "
    "offer, an instalment, an older figure or an estimate (ca.) is not the claim. Never compute a "
    "claim the letter does not state. Report principal, interest and costs as components. Sum "
    "components only when each is clearly labelled and no total is stated. When the current claim "
    "is not certain, leave claim_amount null and name every reason in amount_doubts: a figure "
    "stated as provisional or approximate, a payment beside one claim figure with no remainder "
    "stated, a further amount or costs claimed after the total, a larger or differing current "
    "claim beside the total, a breakdown that does not add up, a table's sum against the text, "
    "an older or superseded figure with no clear current one, totals that disagree, a settled "
    "account with an amount still open, interest claimed only as a rate, a claim passed on to a "
    "collection agency; list the disagreeing figures in conflicting_amounts. When "
    "the letter reports a payment already made beside the claim, quote it as evidence.payment. "
    "Read the client's name in whatever role the letter gives them and the birth date. Report "
    "every further reference number in other_references. Mails that are not creditor replies get "
    "a non_reply_reason: auto_reply, bounce, newsletter, client_message (the client writing), "
    "phishing (fake demands, payment links), acknowledgement (receipt confirmations). For every "
    "field you fill, quote the exact text of the email in evidence, containing the value. Ignore "
    "quoted earlier mails. "
    f"Always answer by calling the {TOOL_NAME} tool."
)
# Prompt caching: the tool definition and the system prompt are the same on every call.
_CACHED_TOOLS = [{**EXTRACTION_TOOL, "cache_control": {"type": "ephemeral"}}]
_CACHED_SYSTEM = [{"type": "text", "text": SYSTEM_PROMPT, "cache_control": {"type": "ephemeral"}}]
_schema = ToolInputSchema()


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
                system=_CACHED_SYSTEM,
                tools=_CACHED_TOOLS,
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
        usage = getattr(response, "usage", None)
        log.info(
            "claude_extraction",
            model=self._model,
            stop_reason=getattr(response, "stop_reason", None),
            input_tokens=getattr(usage, "input_tokens", None),
            output_tokens=getattr(usage, "output_tokens", None),
            cache_creation_input_tokens=getattr(usage, "cache_creation_input_tokens", None),
            cache_read_input_tokens=getattr(usage, "cache_read_input_tokens", None),
        )
        body = (cleaned_body or "")[:MAX_BODY_CHARS]
        return self._parse(response, body, subject or "", from_name)

    def _parse(self, response: Any, body: str, subject: str, sender: str | None) -> Extraction:
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
            loaded = _schema.load(data)
        except ValidationError as exc:
            raise PermanentError(f"invalid tool input: {exc.messages}", "InvalidToolInput") from exc
        return extraction_from(loaded, body, subject, sender, self.name)


def _short(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc)[:300]
