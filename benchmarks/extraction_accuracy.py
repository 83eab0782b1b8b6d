"""Accuracy of the rules extractor + matching on the fixture set (tests/fixtures).

Run: .venv/bin/python -m benchmarks.extraction_accuracy
"""

from __future__ import annotations

import sys
from decimal import Decimal

from tests.fixtures.pipeline import directory_entries, load_cases, run_case


def main() -> int:
    cases = load_cases()
    entries = directory_entries()
    scores = {
        "is_creditor_reply": [0, 0],
        "amount exact": [0, 0],
        "client reference": [0, 0],
        "creditor reference": [0, 0],
        "outcome": [0, 0],
    }
    wrong_auto_matches = []
    misses = []
    for case in cases:
        expected = case["expected"]
        result = run_case(case, entries)
        e = result.extraction
        amount = Decimal(expected["claim_amount"]) if expected["claim_amount"] is not None else None
        checks = {
            "is_creditor_reply": e.is_creditor_reply == expected["is_creditor_reply"],
            "amount exact": e.claim_amount == amount,
            "client reference": e.client_reference == expected["client_reference"],
            "outcome": result.outcome == expected["outcome"],
        }
        if expected["creditor_reference"] is not None:
            checks["creditor reference"] = e.creditor_reference == expected["creditor_reference"]
        for name, ok in checks.items():
            scores[name][0] += ok
            scores[name][1] += 1
            if not ok:
                misses.append(f"{case['name']}: {name}")
        if result.match is not None and result.match.is_auto_match:
            pair = (result.match.client_id, result.match.creditor_id)
            if pair != (expected.get("client_id"), expected.get("creditor_id")):
                wrong_auto_matches.append(case["name"])
    print(f"fixture set: {len(cases)} emails")
    print("| measure | correct | accuracy |")
    print("|---|---|---|")
    for name, (ok, total) in scores.items():
        print(f"| {name} | {ok}/{total} | {ok / total:.1%} |")
    print(f"| wrong auto-matches | {len(wrong_auto_matches)} | target 0 |")
    for miss in misses:
        print("miss:", miss)
    return 1 if wrong_auto_matches else 0


if __name__ == "__main__":
    sys.exit(main())
