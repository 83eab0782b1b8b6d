"""The cleaner's one-line attribution check ("… On Wed, Apr 4, 2012 at …, … wrote:") runs its
quadratic regex only on lines that contain the attribution's opening; the answer (match or not,
and the reply/header split) must be exactly the full regex's on every line we have."""

from __future__ import annotations

import json
import random
from pathlib import Path

from adapters.parsing import quotes
from tests.fixtures.reply_parsing.scoring import load_cases

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


def _lines() -> list[str]:
    texts = [case["input"] for case in load_cases()]
    for split in ("dev", "blind"):
        for email in json.loads((CORPUS / f"{split}.json").read_text(encoding="utf-8"))["emails"]:
            payload = email["payload"]
            texts += [payload.get("body_text") or "", payload.get("body_html") or ""]
    return [line for text in texts for line in text.splitlines()]


def _full_regex(line: str):
    match = quotes._SHARED_LINE.match(line) if len(line) <= quotes._HEADER_CHARS else None
    return match and (match.group("reply"), match.group("header"))


def _checked(line: str):
    match = quotes._shared_line(line)
    return match and (match.group("reply"), match.group("header"))


def test_the_precheck_changes_no_answer_on_the_fixture_lines():
    lines = _lines()
    assert len(lines) > 5000
    found = 0
    for line in lines:
        assert _checked(line) == _full_regex(line), line
        found += _full_regex(line) is not None
    assert found  # the fixtures do hold one-line attributions


def test_the_precheck_changes_no_answer_on_generated_lines():
    parts = "On|Am|Mon|Mo.|,| |  |-|x|Ü|12|Apr 4, 2012 at 3:59 PM|bob@example.com wrote:|\t|."
    parts = [*parts.split("|"), "schrieb", "reply", "On Wed, ", "Am Mo., "]
    rng = random.Random(17)
    found = 0
    for _ in range(20000):
        line = "".join(rng.choice(parts) for _ in range(rng.randint(1, 14)))
        assert _checked(line) == _full_regex(line), line
        found += _full_regex(line) is not None
    assert found > 1000  # both answers are exercised
