"""Every field the rules extractor returns, per email, as deterministic JSON: the check that a
change to adapters/rules/ made for speed changed no result.

Runs the cleaner and RulesExtractor (as benchmarks/rules_cpu.py and tests/fixtures/pipeline.py
do) over every email of tests/fixtures/corpus/dev.json and blind.json, the fixture set
(tests/fixtures/creditor_emails.json) and the worker benchmark's email; with --tests also over
every (body, subject, sender, name) that the rules tests pass to extract() (it runs those
tests once, recording the calls). Each line of the output is one email: its key and the whole
Extraction (every field; evidence and components in their insertion order, amounts as the
Decimal's own text), so a diff of two outputs shows any change, down to a span or an order.
The blind split is only run, never read: a differing blind email shows as its id and fields.

Run on the code before the change and after it, then compare:
    .venv/bin/python -m benchmarks.rules_outcomes --tests --out /tmp/after.jsonl
    (cd /tmp/main-copy && /path/to/.venv/bin/python -m benchmarks.rules_outcomes --tests \
        --out /tmp/before.jsonl)
    .venv/bin/python -m benchmarks.rules_outcomes --compare /tmp/before.jsonl /tmp/after.jsonl
--compare prints how many emails both hold, which of them differ (key and fields), and how
many only one holds (the property tests' generated inputs differ from run to run); exit 1 on a
difference. Without --tests a plain diff of the two files does too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import fields

from adapters.clock import SystemClock
from adapters.parsing.cleaner import EmailCleaner
from adapters.rules.extractor import RulesExtractor
from benchmarks.worker import email
from tests.fixtures.pipeline import load_cases, load_corpus

TESTS = ["tests/integration/pipeline", "tests/unit"]


def _result(extraction) -> dict:
    data = {}
    for f in fields(extraction):
        value = getattr(extraction, f.name)
        if f.name == "evidence":
            value = [[k, s.start, s.end, s.text, s.source] for k, s in value.items()]
        elif f.name == "components" and value is not None:
            value = [[k, None if v is None else str(v)] for k, v in value.items()]
        elif value is not None and f.name == "claim_amount":
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        data[f.name] = value
    return data


def _emails() -> list[tuple[str, tuple]]:
    cleaner = EmailCleaner()
    items = []
    for split in ("dev", "blind"):
        for item in load_corpus(split):
            items.append((f"{split}/{item['id']}", item["payload"]))
    for case in load_cases():
        items.append((f"fixtures/{case['name']}", case["payload"]))
    out = []
    for key, p in items:
        body = cleaner.clean(p.get("body_html") or "", p.get("body_text") or "")
        out.append((key, (body, p.get("subject") or "", p["from_email"], p.get("from_name"))))
    bench = email(0, SystemClock())
    body = cleaner.clean("", bench.body_text)
    out.append(("benchmark", (body, bench.subject, bench.from_email, bench.from_name)))
    return out


class _Recorder:
    """A pytest plugin: records every argument tuple passed to RulesExtractor.extract."""

    def __init__(self) -> None:
        self.calls: dict[tuple, None] = {}

    def pytest_configure(self, config) -> None:
        original = RulesExtractor.extract
        calls = self.calls

        def extract(extractor, *args, **kwargs):
            calls.setdefault(_call_args(args, kwargs), None)
            return original(extractor, *args, **kwargs)

        RulesExtractor.extract = extract  # type: ignore[method-assign]
        self._original = original

    def pytest_unconfigure(self, config) -> None:
        RulesExtractor.extract = self._original  # type: ignore[method-assign]


def _call_args(args: tuple, kwargs: dict) -> tuple:
    names = ("cleaned_body", "subject", "from_email", "from_name")
    values = list(args) + [kwargs[n] for n in names[len(args) :] if n in kwargs]
    return tuple(values)


def _test_calls() -> list[tuple[str, tuple]]:
    import pytest

    recorder = _Recorder()
    pytest.main([*TESTS, "-q", "-p", "no:cacheprovider"], plugins=[recorder])
    # keyed by the call's own text: a property test's generated inputs differ between runs,
    # so compare the keys both outputs hold (and count those only one holds)
    keyed = {hashlib.sha1(repr(args).encode()).hexdigest()[:16]: args for args in recorder.calls}
    return [(f"tests/{key}", keyed[key]) for key in sorted(keyed)]


def _compare(before_path: str, after_path: str) -> int:
    def load(path: str) -> dict[str, dict]:
        with open(path, encoding="utf-8") as lines:
            return {row["email"]: row for row in map(json.loads, lines)}

    before, after = load(before_path), load(after_path)
    common = sorted(set(before) & set(after))
    differ = [key for key in common if before[key] != after[key]]
    for key in differ:
        fields = [f for f in before[key] if before[key][f] != after[key].get(f)]
        print(f"differs: {key}: {', '.join(fields)}")
    print(
        f"{len(common)} emails in both, {len(differ)} differ; only before: "
        f"{len(set(before) - set(after))}, only after: {len(set(after) - set(before))}"
    )
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--tests", action="store_true", help="also the rules tests' calls")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        sys.exit(_compare(*args.compare))
    if not args.out:
        parser.error("--out or --compare")
    items = _emails()
    if args.tests:
        items += _test_calls()
    extractor = RulesExtractor()
    with open(args.out, "w", encoding="utf-8") as out:
        for key, call in items:
            result = _result(extractor.extract(*call))
            out.write(json.dumps({"email": key, **result}, ensure_ascii=False, sort_keys=False))
            out.write("\n")
    print(f"{len(items)} emails -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
