"""Accuracy of the rules extractor + matching: the blind-written corpus (dev and blind, reported
separately) and the older fixture set (written together with the rules).

Run: .venv/bin/python -m benchmarks.extraction_accuracy [--split dev|blind|fixtures] [--misses]
Exit 1 when any split has a wrong booking (an auto-match with a wrong client, creditor or
amount). Never tune rules to the blind split: run it for the figures only.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from decimal import Decimal

from tests.fixtures.pipeline import (
    CaseResult,
    corpus_directory,
    directory_entries,
    load_cases,
    load_corpus,
    run_case,
)

_FIELDS = (
    "is_creditor_reply",
    "non_reply_reason",
    "outcome",
    "claim_amount",
    "components",
    "client_birth_date",
    "pair (auto-matched)",
)


def _amount(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _components(extraction) -> dict | None:
    return extraction.components


def _norm_components(value: dict | None) -> dict | None:
    if not value:
        return None
    normed = {k: _amount(v) for k, v in value.items() if v is not None}
    return normed or None


def _field_checks(expected: dict, result: CaseResult) -> dict[str, bool]:
    """Each field compared where the expected result defines it."""
    e = result.extraction
    checks = {
        "is_creditor_reply": e.is_creditor_reply == expected["is_creditor_reply"],
        "outcome": result.outcome == expected["outcome"],
    }
    if not expected["is_creditor_reply"]:
        if "non_reply_reason" in expected:  # the older fixture set has no reasons
            checks["non_reply_reason"] = e.non_reply_reason == expected["non_reply_reason"]
        return checks
    checks["claim_amount"] = e.claim_amount == _amount(expected.get("claim_amount"))
    if expected.get("components") is not None:
        checks["components"] = _norm_components(_components(e)) == _norm_components(
            expected["components"]
        )
    if expected.get("client_birth_date") is not None:
        checks["client_birth_date"] = e.client_birth_date == expected["client_birth_date"]
    if result.outcome == "matched":
        checks["pair (auto-matched)"] = (result.match.client_id, result.match.creditor_id) == (
            expected.get("client_id"),
            expected.get("creditor_id"),
        )
    return checks


def _wrong_booking(expected: dict, result: CaseResult) -> str | None:
    """Why this auto-match booked something wrong, or None."""
    if result.outcome != "matched":
        return None
    m, e = result.match, result.extraction
    problems = []
    if (m.client_id, m.creditor_id) != (expected.get("client_id"), expected.get("creditor_id")):
        problems.append(
            f"pair {m.client_id}/{m.creditor_id} ≠ expected "
            f"{expected.get('client_id')}/{expected.get('creditor_id')}"
        )
    if e.claim_amount != _amount(expected.get("claim_amount")):
        problems.append(f"amount {e.claim_amount} ≠ expected {expected.get('claim_amount')}")
    return "; ".join(problems) or None


def evaluate(name: str, cases: list[dict], entries, show_misses: bool) -> int:
    per_class: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    fields: dict[str, list[int]] = {f: [0, 0] for f in _FIELDS}
    wrong, unsafe, misses = [], [], []
    should_match = auto_matched = non_replies = recognised = 0
    for case in cases:
        expected = case["expected"]
        result = run_case(case, entries)
        klass = case.get("class") or ("non_reply" if not expected["is_creditor_reply"] else "reply")
        row = per_class[klass]
        row[0] += 1
        row[1] += result.outcome == expected["outcome"]
        if expected["outcome"] == "matched":
            should_match += 1
            row[2] += 1
            if result.outcome == "matched" and not _wrong_booking(expected, result):
                auto_matched += 1
                row[3] += 1
        if not expected["is_creditor_reply"]:
            non_replies += 1
            reason_right = "non_reply_reason" not in expected or (
                result.extraction.non_reply_reason == expected["non_reply_reason"]
            )
            if reason_right and not result.extraction.is_creditor_reply:
                recognised += 1
        case_id = case.get("id") or case.get("name")
        why = _wrong_booking(expected, result)
        if why:
            row[4] += 1
            wrong.append(f"{case_id} ({klass}): {why}")
        elif result.outcome == "matched" and expected["outcome"] != "matched":
            unsafe.append(f"{case_id} ({klass}): auto-matched, expected {expected['outcome']}")
        for field, ok in _field_checks(expected, result).items():
            fields[field][0] += ok
            fields[field][1] += 1
            if not ok:
                misses.append(f"{case_id} ({klass}): {field}")

    print(f"\n#### {name}: {len(cases)} emails\n")
    print("| class | emails | outcome right | should match | auto-matched right | wrong bookings |")
    print("|---|---|---|---|---|---|")
    for klass in sorted(per_class):
        n, ok, sm, am, wb = per_class[klass]
        print(f"| {klass} | {n} | {ok} | {sm} | {am} | {wb} |")
    print()
    print("| measure | correct | accuracy |")
    print("|---|---|---|")
    for field, (ok, total) in fields.items():
        if total:
            print(f"| {field} | {ok}/{total} | {ok / total:.1%} |")
    if should_match:
        print(
            f"| should-match replies auto-matched | {auto_matched}/{should_match} | "
            f"{auto_matched / should_match:.1%} |"
        )
    if non_replies:
        print(
            f"| non-replies recognised with the right reason | {recognised}/{non_replies} | "
            f"{recognised / non_replies:.1%} |"
        )
    print(f"| **wrong bookings** | {len(wrong)} | target 0 |")
    print(f"| auto-matched where review expected (pair and amount right) | {len(unsafe)} | |")
    for line in wrong:
        print(f"- WRONG BOOKING {line}")
    for line in unsafe:
        print(f"- review expected: {line}")
    if show_misses:
        for line in misses:
            print(f"- miss: {line}")
    return len(wrong)


# Ids of the newest blind batches (see the corpus README's log): `l-` was written after the last
# rule change and first run for the final figures; `f-` … `k-` were run before.
FRESH_BATCHES = (
    "f-",
    "g-",
    "h-",
    "i-",
    "j-",
    "k-",
    "l-",
    "n-",
    "m-",
    "o-",
    "p-",
    "q-",
    "r-",
    "s-",
    "t-",
    "u-",
    "w-",
    "v-",
    "y-",
    "x-",
    "z-",
    "za-",
    "zb-",
    "zc-",
    "zd-",
    "ze-",
    "zf-",
    "zg-",
    "zh-",
    "zi-",
    "zj-",
    "zk-",
    "zl-",
    "zm-",
    "zn-",
    "zo-",
    "zp-",
    "zq-",
    "zr-",
    "zs-",
    "zt-",
    "zu-",
    "zv-",
    "zw-",
    "zy-",
    "zx-",
    "zzb-",
    "zz-",
    "zzc-",
    "zzd-",
    "zze-",
    "zzf-",
    "zzg-",
    "zzh-",
    "zzi-",
    "zzj-",
    "zzk-",
    "zzl-",
    "zzm-",
    "zzn-",
    "zzo-",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["dev", "blind", "fixtures"], action="append")
    parser.add_argument("--misses", action="store_true", help="list every field miss")
    args = parser.parse_args(argv)
    splits = args.split or ["dev", "blind", "fixtures"]
    wrong = 0
    for split in splits:
        if split == "fixtures":
            wrong += evaluate(
                "fixture set (written with the rules)",
                load_cases(),
                directory_entries(),
                args.misses,
            )
        else:
            cases = load_corpus(split)
            wrong += evaluate(f"corpus {split}", cases, corpus_directory(), args.misses)
            for batch in FRESH_BATCHES if split == "blind" else ():
                # Each fresh batch on its own: the honest measure of the latest rule changes.
                fresh = [case for case in cases if case["id"].startswith(batch)]
                title = f"corpus blind, fresh batch {batch}… only (also counted above)"
                evaluate(title, fresh, corpus_directory(), False)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
