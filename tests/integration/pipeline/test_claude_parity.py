"""Claude brought level with the rules: the payment beside the claim, amount doubts and further
references reach the same Extraction fields, and a job read by Claude ends as the safety rule
demands — ReceiveEmail → ProcessEmail (cleaner, ClaudeExtractor on the local Messages API,
matching) on in-memory storage."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.anthropic.extractor import SYSTEM_PROMPT
from adapters.anthropic.tool_input import AMOUNT_DOUBTS, EXTRACTION_TOOL
from adapters.parsing.cleaner import EmailCleaner
from adapters.rules.extractor import RulesExtractor
from adapters.similarity import RapidFuzzSimilarity
from application.process_email import ProcessEmail, ProcessingSettings
from application.receive_email import ReceiveEmail
from domain.extraction import PAYMENT, DirectoryEntry
from domain.matching import match_candidates
from domain.retry_policy import RetryPolicy
from domain.values import InboundEmail
from tests.fakes import FakeClock, FakeDatabase, FakeDirectory, FakeUnitOfWork
from tests.integration.messages_api import MessagesServer, tool_response
from tests.integration.pipeline.test_claude_extractor import extractor
from tests.integration.pipeline.test_claude_fields import DIRECTORY

JANA_TELEKOM = DIRECTORY[0]

SUBJECT = "AW: Ihr Schreiben – Az. 2024/1187"
PAYMENT_BODY = (
    "Sehr geehrte Damen und Herren,\n\n"
    "zu Ihrer Mandantin Frau Jana Hoffmann teilen wir mit: Wir haben am 03.11.2026 eine Zahlung "
    "von 100,00 EUR erhalten. Die offene Forderung beträgt 790,00 EUR.\n"
    "Kundennummer: KD-4471-2290\n\nMit freundlichen Grüßen\nTelekom Deutschland GmbH"
)
PAYMENT_REPLY = {
    "is_creditor_reply": True,
    "client_name": "Jana Hoffmann",
    "client_reference": "2024/1187",
    "creditor_name": "Telekom Deutschland GmbH",
    "creditor_reference": "KD-4471-2290",
    "claim_amount": "790.00",
    "currency": "EUR",
    "confidence": 0.9,
    "evidence": {
        "claim_amount": "790,00 EUR",
        "client_name": "Frau Jana Hoffmann",
        "client_reference": "Az. 2024/1187",
        "creditor_name": "Telekom Deutschland GmbH",
        "creditor_reference": "KD-4471-2290",
        PAYMENT: "Zahlung von 100,00 EUR erhalten",
    },
}
SENDER = "forderungen@telekom.example"


def directory(claim_on_file: str | None) -> list[DirectoryEntry]:
    """Jana Hoffmann / Telekom with the given claim on file, and another client's pair."""
    claim = Decimal(claim_on_file) if claim_on_file else None
    jana = dataclasses.replace(JANA_TELEKOM, creditor_email=SENDER, claim_amount=claim)
    thomas = DirectoryEntry(
        "M-2", "Thomas Wagner", "C-3", "Vodafone GmbH", "2024/1203", "VF-5520-1187", None
    )
    return [jana, thomas]


@pytest.fixture
def server():
    server = MessagesServer()
    yield server
    server.close()


def run_job(server, reply: dict, body: str, entries: list[DirectoryEntry], subject=SUBJECT):
    """One email through intake and one ProcessEmail attempt; returns the stored job."""
    server.replies.append((200, tool_response(reply), 0))
    db, clock = FakeDatabase(), FakeClock()

    def uow():
        return FakeUnitOfWork(db)

    email = InboundEmail(
        ticket_id=48001,
        comment_id=99001,
        message_id="<parity@telekom.example>",
        from_email=SENDER,
        from_name="Telekom",
        subject=subject,
        body_text=body,
        received_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    job_id = ReceiveEmail(uow, clock)(email).job_id
    process = ProcessEmail(
        uow,
        clock,
        EmailCleaner(),
        extractor(server.url),
        FakeDirectory(entries),
        RapidFuzzSimilarity(),
        RetryPolicy(jitter=0.0),
        ProcessingSettings(lease=timedelta(seconds=600), match_threshold=0.85),
    )
    result = process(job_id)
    assert result.status == "completed", result
    return db.jobs[job_id]


def test_the_tool_asks_for_the_payment_doubts_and_further_references():
    schema = EXTRACTION_TOOL["input_schema"]["properties"]
    assert PAYMENT in schema["evidence"]["properties"]
    assert schema["amount_doubts"]["items"]["properties"]["reason"]["enum"] == list(AMOUNT_DOUBTS)
    assert schema["other_references"]["items"] == {"type": "string"}
    for asked in ("evidence.payment", "amount_doubts", "other_references"):
        assert asked in SYSTEM_PROMPT


def test_payment_beside_a_figure_equal_to_the_claim_on_file_goes_to_review(server):
    job = run_job(server, PAYMENT_REPLY, PAYMENT_BODY, directory("790.00"))
    assert job.outcome.value == "needs_review"
    payment = job.extraction.evidence[PAYMENT]
    assert job.cleaned_body[payment.start : payment.end] == "Zahlung von 100,00 EUR erhalten"
    assert job.match.conflicts == (
        "a payment is reported (Zahlung von 100,00 EUR erhalten), yet the amount equals the "
        "claim on file (790.00)",
    )


def test_payment_beside_a_remainder_that_differs_from_the_file_is_matched(server):
    job = run_job(server, PAYMENT_REPLY, PAYMENT_BODY, directory("890.00"))
    assert job.outcome.value == "matched" and job.match.conflicts == ()
    assert PAYMENT in job.extraction.evidence


def test_claude_and_the_rules_read_the_payment_email_alike(server):
    """Same email, both extractors: the same evidence keys and the same conflict."""
    entries = directory("790.00")
    job = run_job(server, PAYMENT_REPLY, PAYMENT_BODY, entries)
    rules = RulesExtractor().extract(job.cleaned_body, SUBJECT, SENDER, "Telekom")
    assert set(rules.evidence) <= set(job.extraction.evidence)
    ruled = match_candidates(rules, entries, RapidFuzzSimilarity(), 0.85, sender=SENDER)
    assert [c.split(" (")[0] for c in ruled.conflicts] == [
        c.split(" (")[0] for c in job.match.conflicts
    ]
    assert rules.claim_amount == job.extraction.claim_amount


def test_a_payment_quote_not_in_the_email_is_a_conflict_never_a_span(server):
    reply = {**PAYMENT_REPLY, "evidence": {**PAYMENT_REPLY["evidence"], PAYMENT: "200 € gezahlt"}}
    job = run_job(server, reply, PAYMENT_BODY, directory("890.00"))
    assert PAYMENT not in job.extraction.evidence
    assert job.outcome.value == "needs_review"
    assert any('payment is reported ("200 € gezahlt")' in c for c in job.match.conflicts)


PROVISIONAL_BODY = (
    "Ihre Mandantin Frau Jana Hoffmann, Kundennummer KD-4471-2290: Die Forderung beträgt "
    "vorläufig 812,40 EUR, da noch Zinsen berechnet werden."
)


def test_an_amount_doubt_sends_the_job_to_review_with_the_doubt_named(server):
    reply = {
        **PAYMENT_REPLY,
        "claim_amount": None,
        "evidence": {"client_name": "Jana Hoffmann", "creditor_reference": "KD-4471-2290"},
        "amount_doubts": [{"reason": "provisional", "quote": "beträgt vorläufig 812,40 EUR"}],
    }
    job = run_job(server, reply, PROVISIONAL_BODY, directory(None))
    assert job.outcome.value == "needs_review"
    assert job.match.conflicts == (
        "amount: the amount is stated as provisional (beträgt vorläufig 812,40 EUR)",
    )
    # The rules name the same class for the same email.
    rules = RulesExtractor().extract(job.cleaned_body, SUBJECT, SENDER, "Telekom")
    assert rules.amount_conflicts[0].startswith("the amount is stated as provisional")


@pytest.mark.parametrize("reason", list(AMOUNT_DOUBTS))
def test_every_doubt_is_a_named_conflict_even_beside_an_amount(server, reason):
    reply = {**PAYMENT_REPLY, "amount_doubts": [{"reason": reason, "quote": "not in the mail"}]}
    reply["evidence"] = {k: v for k, v in PAYMENT_REPLY["evidence"].items() if k != PAYMENT}
    server.replies.append((200, tool_response(reply), 0))
    result = extractor(server.url).extract(PAYMENT_BODY, SUBJECT, SENDER, "Telekom")
    assert result.amount_conflicts == (AMOUNT_DOUBTS[reason],)  # an unfound quote is not cited
    match = match_candidates(result, directory(None), RapidFuzzSimilarity(), 0.85, sender=SENDER)
    assert not match.is_auto_match
    assert f"amount: {AMOUNT_DOUBTS[reason]}" in match.conflicts


def test_an_unknown_doubt_is_invalid_tool_input(server):
    from domain.errors import PermanentError

    reply = {**PAYMENT_REPLY, "amount_doubts": [{"reason": "feels_off"}]}
    server.replies.append((200, tool_response(reply), 0))
    with pytest.raises(PermanentError, match="amount_doubts"):
        extractor(server.url).extract(PAYMENT_BODY, SUBJECT, SENDER, "Telekom")


OTHER_REFERENCE_BODY = PAYMENT_BODY.replace(
    "Kundennummer: KD-4471-2290", "Kundennummer: KD-4471-2290, Vertrag VF 5520 1187"
)


def test_a_further_reference_of_another_client_is_a_conflict(server):
    reply = {**PAYMENT_REPLY, "other_references": ["VF-5520-1187", "KD-4471-2290"]}
    job = run_job(server, reply, OTHER_REFERENCE_BODY, directory("890.00"))
    assert job.extraction.unlabelled_references == ("VF-5520-1187",)
    assert job.outcome.value == "needs_review"
    assert job.match.conflicts == ("reference VF-5520-1187 belongs to M-2/C-3, not M-1/C-1",)


def test_references_the_email_does_not_contain_are_dropped(server):
    # A misread or made-up reference is evidence neither for nor against any candidate.
    reply = {
        **PAYMENT_REPLY,
        "creditor_reference": "KD-4471-2299",
        "other_references": ["VF-5520-1187"],
    }
    job = run_job(server, reply, PAYMENT_BODY, directory("890.00"))
    assert job.extraction.creditor_reference is None
    assert job.extraction.unlabelled_references == ()
    assert "creditor_reference" not in job.extraction.evidence
    assert job.match.conflicts == () and "creditor_reference" not in job.match.evidence
