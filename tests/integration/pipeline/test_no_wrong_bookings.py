"""SPEC §7's first promise on every set we may look at: the dev split of the blind-written
corpus and the older fixture set run through cleaner → rules → matching, and no auto-match
books a wrong client, creditor or amount. (The blind split is never run by tests: it is
measured, not tuned to.)"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.fixtures.pipeline import (
    corpus_directory,
    directory_entries,
    load_cases,
    load_corpus,
    run_case,
)


def _wrong_bookings(cases: list[dict], entries) -> list[str]:
    wrong = []
    for case in cases:
        result = run_case(case, entries)
        if result.outcome != "matched":
            continue
        expected = case["expected"]
        pair = (result.match.client_id, result.match.creditor_id)
        amount = expected.get("claim_amount")
        expected_amount = None if amount is None else Decimal(str(amount)).quantize(Decimal("0.01"))
        if pair != (expected.get("client_id"), expected.get("creditor_id")) or (
            result.extraction.claim_amount != expected_amount
        ):
            wrong.append(
                f"{case.get('id') or case.get('name')}: {pair} {result.extraction.claim_amount}"
            )
    return wrong


@pytest.mark.parametrize(
    ("cases", "entries"),
    [
        pytest.param(load_corpus("dev"), corpus_directory(), id="corpus-dev"),
        pytest.param(load_cases(), directory_entries(), id="fixture-set"),
    ],
)
def test_no_auto_match_books_a_wrong_client_creditor_or_amount(cases, entries):
    assert len(cases) >= 30
    assert _wrong_bookings(cases, entries) == []


def test_the_check_can_fail():
    """A case whose expected pair is changed must be reported as a wrong booking."""
    case = next(
        c for c in load_corpus("dev") if run_case(c, corpus_directory()).outcome == "matched"
    )
    altered = {**case, "expected": {**case["expected"], "client_id": "nobody"}}
    assert _wrong_bookings([altered], corpus_directory()) != []
