"""adapters/rules/folding.py: a lower-case pattern searched on a lower-cased copy finds exactly
what re.I finds on the text, at the same offsets, with the text's own letters."""

from __future__ import annotations

import re
import string
import sys

import pytest

from adapters.rules import amount_phrases, extractor, non_reply
from adapters.rules.folding import UNSAFE, Folded, lowered

# Every character a folded pattern's literals are written with.
_ALPHABET = string.ascii_lowercase + string.digits + string.punctuation + " äöüß€§"


def test_lower_is_re_i_for_every_character_but_the_unsafe_ones():
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    differs = {c for c in every if len(c.lower()) != 1}
    by_lower: dict[str, set[str]] = {letter: set() for letter in _ALPHABET}
    for c in every:
        if c.lower() in by_lower:
            by_lower[c.lower()].add(c)
    for letter in _ALPHABET:
        differs |= set(re.findall(re.escape(letter), every, re.I)) ^ by_lower[letter]
    assert differs == UNSAFE


@pytest.mark.parametrize(
    "text",
    ["İst der SALDO ausgeglichen", "ıst der saldo ausgeglichen", "der ſaldo ist ausgeglichen"],
)
def test_a_text_with_an_unsafe_letter_is_searched_as_written(text):
    assert lowered(text) is None
    folded = Folded(r"(i|ſ)st\s+der\s+saldo|saldo\s+ist")
    assert [m.span() for m in folded.finditer(text)] == [
        m.span() for m in folded.exact.finditer(text)
    ]


def test_a_match_reads_its_groups_from_the_original_text():
    folded = Folded(r"(?P<word>forderung)\s+ist\s+(beglichen)")
    match = folded.search("Die FORDERUNG ist Beglichen.")
    assert match.group(0) == "FORDERUNG ist Beglichen"
    assert match.group("word") == "FORDERUNG" and match.group(2) == "Beglichen"
    assert match.span() == (4, 27) and match.start("word") == 4
    assert folded.match("Die FORDERUNG ist Beglichen.", 4).end() == 27


def test_a_pattern_that_needs_case_is_refused():
    with pytest.raises(ValueError):
        Folded(r"(?-i:Frau)\s+\w+")
    with pytest.raises(ValueError):
        Folded(r"[A-Z]{2}\d+")


_TEXTS = [
    "Die Forderung IST VOLLSTÄNDIG BEGLICHEN. Der Saldo ist vorläufig.",
    "Wir bestätigen den Eingang Ihrer Nachricht; Ihr Ticket: AB-12345. Out of Office.",
    "SÄUMNISZUSCHLÄGE werden gesondert festgesetzt. Die Akte wurde an ein Inkassobüro abgegeben.",
    "Mail delivery failed: USER UNKNOWN. İch bin nicht im Büro.",
]


@pytest.mark.parametrize(
    "folded",
    [
        amount_phrases.PROVISIONAL,
        amount_phrases.PASSED_ON,
        amount_phrases.PENDING_CHARGES,
        extractor._SETTLED,
        non_reply._ACK,
        non_reply._AUTO_BODY,
        non_reply._BOUNCE,
        non_reply._PROCESSING,
    ],
)
def test_the_rules_folded_patterns_find_what_re_i_finds(folded):
    for text in _TEXTS:
        found = [(m.span(), m.group(0)) for m in folded.finditer(text)]
        assert found == [(m.span(), m.group(0)) for m in folded.exact.finditer(text)]
