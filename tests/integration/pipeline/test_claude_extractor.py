"""ClaudeExtractor against a local HTTP server speaking the Messages API (never the network)."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest

from adapters.anthropic.extractor import TOOL_NAME, ClaudeExtractor
from domain.errors import PermanentError, TransientError
from tests.integration.messages_api import GOOD, MessagesServer, tool_response


@pytest.fixture
def server():
    server = MessagesServer()
    yield server
    server.close()


def extractor(url: str, timeout: float = 5.0) -> ClaudeExtractor:
    return ClaudeExtractor(api_key="test-key", model="claude-test", base_url=url, timeout=timeout)


def test_tool_call_becomes_an_extraction(server):
    result = extractor(server.url).extract(
        "Die Forderung beträgt 812,40 EUR. Kundennummer KD-4471-2290",
        "Az. 2024/1187",
        "f@telekom.example",
        "Telekom",
    )
    assert result.claim_amount == Decimal("812.40") and result.currency == "EUR"
    assert (result.client_reference, result.creditor_reference) == ("2024/1187", "KD-4471-2290")
    assert result.extractor == "anthropic" and result.confidence == 0.93
    [request] = server.requests
    assert request["path"] == "/v1/messages", "base_url is honoured"
    body = request["body"]
    assert body["model"] == "claude-test"
    assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    assert body["tools"][0]["input_schema"]["required"] == ["is_creditor_reply", "confidence"]
    assert "812,40" in body["messages"][0]["content"]
    headers = request["headers"]
    assert "test-key" in (headers.get("x-api-key", "") + headers.get("authorization", ""))
    assert headers.get("x-stainless-retry-count") == "0"


def error_body(kind: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": f"{kind} happened"}}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, PermanentError),
        (401, PermanentError),
        (403, PermanentError),
        (404, PermanentError),
        (422, PermanentError),
        (408, TransientError),
        (429, TransientError),
        (500, TransientError),
        (503, TransientError),
        (529, TransientError),
    ],
)
def test_status_codes_are_classified_and_only_one_request_is_made(server, status, expected):
    server.replies.append((status, error_body("some_error"), 0))
    with pytest.raises(expected) as raised:
        extractor(server.url).extract("body", "s", "a@b.example", None)
    assert str(status) in str(raised.value)
    assert len(server.requests) == 1, "SDK retries are off: our policy counts attempts"


def test_connection_refused_is_transient():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TransientError) as raised:
        extractor(f"http://127.0.0.1:{port}").extract("body", "s", "a@b.example", None)
    assert raised.value.error_type == "APIConnectionError"


def test_timeout_is_transient(server):
    server.replies.append((200, tool_response(GOOD), 2.0))
    with pytest.raises(TransientError) as raised:
        extractor(server.url, timeout=0.3).extract("body", "s", "a@b.example", None)
    assert raised.value.error_type == "APITimeoutError"


def test_answer_without_the_tool_call_is_permanent(server):
    text_only = tool_response(GOOD)
    text_only["content"] = [{"type": "text", "text": "I think it is 812.40 EUR"}]
    server.replies.append((200, text_only, 0))
    with pytest.raises(PermanentError, match=TOOL_NAME):
        extractor(server.url).extract("body", "s", "a@b.example", None)


@pytest.mark.parametrize(
    "bad",
    [
        {**GOOD, "claim_amount": "zwölf Euro"},
        {**GOOD, "claim_amount": "-5.00"},
        {**GOOD, "confidence": 3},
        {**GOOD, "confidence": "high"},
        {**GOOD, "is_creditor_reply": "yes"},
        {**GOOD, "currency": "EURO"},
        {**GOOD, "client_name": ["Jana"]},
    ],
)
def test_invalid_tool_input_is_permanent_with_a_clear_message(server, bad):
    server.replies.append((200, tool_response(bad), 0))
    with pytest.raises(PermanentError, match="invalid tool input"):
        extractor(server.url).extract("body", "s", "a@b.example", None)


def test_german_decimal_comma_and_settled_claims(server):
    server.replies.append((200, tool_response({**GOOD, "claim_amount": "1234,5"}), 0))
    server.replies.append(
        (200, tool_response({"is_creditor_reply": True, "claim_amount": "0", "confidence": 0.8}), 0)
    )
    assert extractor(server.url).extract("b", "s", "a@b.example", None).claim_amount == Decimal(
        "1234.50"
    )
    settled = extractor(server.url).extract("b", "s", "a@b.example", None)
    assert settled.claim_amount == Decimal("0.00") and settled.currency == "EUR"


def test_claude_is_costly_so_the_worker_commits_its_result_at_once(server):
    # application/process_email.py checkpoints a costly extractor's result right after it.
    from adapters.parsing.attachment_sections import ExtractorWithAttachments

    assert ExtractorWithAttachments(extractor(server.url)).costly is True
