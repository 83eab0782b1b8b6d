"""The cleaner on other projects' reply-parsing fixtures (tests/fixtures/reply_parsing/).

Per case two checks: the reply is kept, and every quoted line (headers included) is removed.
Cases the cleaner does not pass yet are listed in known_misses.json and expected to fail
(strict): when a fix makes one pass, the test says so and the entry must be removed; a passing
case is never added there.
"""

from __future__ import annotations

import json

import pytest

from adapters.parsing.cleaner import EmailCleaner
from tests.fixtures.reply_parsing.scoring import (
    HERE,
    leftover_quotes,
    load_cases,
    reply_kept,
)

CASES = load_cases()
KNOWN_MISSES = json.loads((HERE / "known_misses.json").read_text(encoding="utf-8"))
_cleaner = EmailCleaner()


def case_key(case: dict) -> str:
    return f"{case['source']} :: {case['id']}"


def cleaned(case: dict) -> str:
    if case["format"] == "html":
        return _cleaner.clean(case["input"], "")
    return _cleaner.clean("", case["input"])


def _params(check: str):
    return [
        pytest.param(
            case,
            id=case_key(case),
            marks=[pytest.mark.xfail(strict=True, reason="known miss")]
            if case_key(case) in KNOWN_MISSES[check]
            else [],
        )
        for case in CASES
    ]


def test_the_corpus_is_imported_with_licences():
    assert len(CASES) >= 275
    sources = {case["source"] for case in CASES}
    assert len(sources) == 7
    for path in HERE.glob("*__*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        licence = (HERE / document["licence_file"]).read_text(encoding="utf-8")
        assert "Permission is hereby granted" in licence or "Apache License" in licence
    assert {case["language"] for case in CASES} == {"de", "en", "other"}


def test_known_misses_name_existing_cases():
    keys = {case_key(case) for case in CASES}
    for check in ("kept", "removed"):
        assert set(KNOWN_MISSES[check]) <= keys


@pytest.mark.parametrize("case", _params("kept"))
def test_reply_kept(case):
    output = cleaned(case)
    assert reply_kept(case, output), output


@pytest.mark.parametrize("case", _params("removed"))
def test_quotes_removed(case):
    assert leftover_quotes(case, cleaned(case)) == []
