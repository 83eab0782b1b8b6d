"""ClaudeExtractor on the same footing as the rules (SPEC §7 fields, the safety rule), with
prompt caching and token usage logged — against the local Messages API server."""

from __future__ import annotations

from decimal import Decimal

import pytest
import structlog
from structlog.testing import capture_logs

import adapters.anthropic.extractor as claude_module
from adapters.similarity import RapidFuzzSimilarity
from domain.errors import PermanentError
from domain.extraction import DirectoryEntry
from domain.matching import match_candidates
from tests.integration.messages_api import GOOD, MessagesServer, tool_response
from tests.integration.pipeline.test_claude_extractor import extractor

BODY = (
    "Sehr geehrte Damen und Herren,\n\nfür Ihre Mandantin Frau Jana Hoffmann (geb. 01.02.1980)\n"
    "Hauptforderung 700,00 EUR\nZinsen 12,40 EUR\nKosten 100,00 EUR\n"
    "Gesamtforderung: 812,40 EUR\nUnser Zeichen KD-4471-2290"
)
FULL = {
    **GOOD,
    "client_birth_date": "1980-02-01",
    "components": {"principal": "700.00", "interest": "12.40", "costs": "100,00"},
    "conflicting_amounts": [],
    "evidence": {
        "claim_amount": "812,40 EUR",
        "client_name": "Jana   Hoffmann",  # whitespace differs: still located
        "client_reference": "2024/1187",  # only in the subject
        "creditor_reference": "KD-4471-2290",
        "client_birth_date": "not in the mail",
    },
}
DIRECTORY = [
    DirectoryEntry(
        "M-1",
        "Jana Hoffmann",
        "C-1",
        "Telekom Deutschland GmbH",
        "2024/1187",
        "KD-4471-2290",
        "fm@telekom.example",
        "1980-02-01",
    ),
    DirectoryEntry(
        "M-2",
        "Thomas Hoffmann",
        "C-3",
        "Telekom Deutschland GmbH",
        "2024/1203",
        "KD-5520-1187",
        "fm@telekom.example",
        "1976-09-14",
    ),
]


@pytest.fixture
def server():
    server = MessagesServer()
    yield server
    server.close()


def test_added_fields_and_evidence_located_in_the_body(server):
    server.replies.append((200, tool_response(FULL), 0))
    result = extractor(server.url).extract(BODY, "Az. 2024/1187", "fm@telekom.example", "Telekom")
    assert result.components == {
        "principal": Decimal("700.00"),
        "interest": Decimal("12.40"),
        "costs": Decimal("100.00"),
    }
    assert result.client_birth_date == "1980-02-01"
    span = result.evidence["claim_amount"]
    assert BODY[span.start : span.end] == "812,40 EUR" and span.source == "body"
    assert BODY[result.evidence["client_name"].start : result.evidence["client_name"].end] == (
        "Jana Hoffmann"
    )
    assert result.evidence["client_reference"].source == "subject"
    assert "client_birth_date" not in result.evidence  # a quote that is not there is dropped
    assert result.amount_conflicts == ()
    match = match_candidates(
        result, DIRECTORY, RapidFuzzSimilarity(), 0.85, sender="fm@telekom.example"
    )
    assert (match.client_id, match.creditor_id) == ("M-1", "C-1")


def test_the_safety_rule_applies_to_claude_too(server):
    # The reference points to Thomas, the letter names Jana: no auto-match, conflict named.
    contradicted = {**FULL, "client_reference": "2024/1203", "creditor_reference": "KD-5520-1187"}
    server.replies.append((200, tool_response(contradicted), 0))
    # The references stand in the email (one Claude made up would be dropped, test_claude_parity).
    body = BODY.replace("KD-4471-2290", "KD-5520-1187")
    result = extractor(server.url).extract(body, "Az. 2024/1203", "fm@telekom.example", "Telekom")
    match = match_candidates(
        result, DIRECTORY, RapidFuzzSimilarity(), 0.85, sender="fm@telekom.example"
    )
    assert not match.is_auto_match
    assert any("Jana Hoffmann" in conflict for conflict in match.conflicts)


@pytest.mark.parametrize(
    ("tool_input", "conflict"),
    [
        ({**FULL, "evidence": {}}, "not quoted from the email"),
        ({**FULL, "conflicting_amounts": ["812.40 vs 790.00"]}, "812.40 vs 790.00"),
    ],
)
def test_unquoted_or_disagreeing_amounts_are_conflicts(server, tool_input, conflict):
    server.replies.append((200, tool_response(tool_input), 0))
    result = extractor(server.url).extract(BODY, "", "fm@telekom.example", "Telekom")
    assert any(conflict in c for c in result.amount_conflicts)
    match = match_candidates(
        result, DIRECTORY, RapidFuzzSimilarity(), 0.85, sender="fm@telekom.example"
    )
    assert not match.is_auto_match


def test_non_reply_reason(server):
    reply = {"is_creditor_reply": False, "non_reply_reason": "phishing", "confidence": 0.9}
    server.replies.append((200, tool_response(reply), 0))
    result = extractor(server.url).extract("Pay in bitcoin", "", "x@y.example", None)
    assert result.is_creditor_reply is False and result.non_reply_reason == "phishing"


def test_unknown_non_reply_reason_is_invalid_tool_input(server):
    reply = {"is_creditor_reply": False, "non_reply_reason": "spam-ish", "confidence": 0.9}
    server.replies.append((200, tool_response(reply), 0))
    with pytest.raises(PermanentError, match="non_reply_reason"):
        extractor(server.url).extract("x", "", "x@y.example", None)


@pytest.mark.parametrize("amount", ["1E100", "9" * 40])
def test_an_amount_beyond_decimal_precision_is_invalid_tool_input(server, amount):
    # Two decimal places of 1E100 exceed Decimal's 28 digits: quantize() raised
    # InvalidOperation out of the schema instead of an invalid tool input.
    server.replies.append((200, tool_response({**GOOD, "claim_amount": amount}), 0))
    with pytest.raises(PermanentError, match="claim_amount"):
        extractor(server.url).extract(BODY, "", "x@y.example", None)


def test_system_prompt_and_tool_are_cached_and_usage_is_logged(server, monkeypatch):
    answer = tool_response(FULL)
    answer["usage"] = {
        "input_tokens": 21,
        "output_tokens": 55,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 1400,
    }
    server.replies.append((200, answer, 0))
    with capture_logs() as logs:
        # The app caches loggers on first use; a fresh one sees the capturing configuration.
        monkeypatch.setattr(claude_module, "log", structlog.get_logger(claude_module.__name__))
        extractor(server.url).extract(BODY, "", "fm@telekom.example", "Telekom")
    body = server.requests[0]["body"]
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    [usage] = [entry for entry in logs if entry["event"] == "claude_extraction"]
    assert (usage["input_tokens"], usage["output_tokens"]) == (21, 55)
    assert usage["cache_read_input_tokens"] == 1400
