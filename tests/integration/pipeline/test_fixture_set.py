"""The fixture set of creditor emails through cleaner → rules extractor → matching."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.parsing.cleaner import EmailCleaner
from tests.fixtures.pipeline import directory_entries, load_cases, run_case

CASES = load_cases()
ENTRIES = directory_entries()


def test_the_set_is_big_and_varied():
    assert len(CASES) >= 30
    outcomes = {c["expected"]["outcome"] for c in CASES}
    assert outcomes == {"matched", "needs_review", "not_creditor_reply"}
    assert sum(1 for c in CASES if c["payload"]["body_html"] and not c["payload"]["body_text"]) >= 4


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fixture_email(case):
    expected = case["expected"]
    result = run_case(case, ENTRIES)
    extraction = result.extraction
    assert extraction.is_creditor_reply is expected["is_creditor_reply"]
    amount = expected["claim_amount"]
    assert extraction.claim_amount == (Decimal(amount) if amount is not None else None)
    assert extraction.client_reference == expected["client_reference"]
    if expected["creditor_reference"] is not None:
        assert extraction.creditor_reference == expected["creditor_reference"]
    assert result.outcome == expected["outcome"], result.match
    if expected["outcome"] == "matched":
        assert (result.match.client_id, result.match.creditor_id) == (
            expected["client_id"],
            expected["creditor_id"],
        )


def test_no_wrong_auto_match_on_the_set():
    wrong = []
    for case in CASES:
        result = run_case(case, ENTRIES)
        if result.match is not None and result.match.is_auto_match:
            expected = case["expected"]
            if (result.match.client_id, result.match.creditor_id) != (
                expected.get("client_id"),
                expected.get("creditor_id"),
            ):
                wrong.append(case["name"])
    assert wrong == []


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_footer_numbers_never_reach_the_extractor(case):
    payload = case["payload"]
    cleaned = EmailCleaner().clean(payload["body_html"], payload["body_text"])
    for marker in (
        "IBAN",
        "HRB",
        "BIC",
        "Telefon",
        "Tel.",
        "Amtsgericht",
        "schrieb",
        "Original Message",
    ):
        assert marker not in cleaned, (marker, cleaned)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   ",
        "<html></html>",
        "> only a quote",
        "-- \nsignature only",
        "x" * 200_000,
        "<<<>>>&&&;;",
    ],
)
def test_cleaner_never_raises_and_caps_length(body):
    cleaned = EmailCleaner().clean(body, body)
    assert isinstance(cleaned, str) and len(cleaned) <= 50_000
