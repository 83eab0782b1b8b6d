"""adapters/rules/folding.py: a lower-case pattern searched on a lower-cased copy finds exactly
what re.I finds on the text, at the same offsets, with the text's own letters."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
import sys

import pytest

import adapters.rules as rules_package
from adapters.rules import (
    amount_kinds,
    amount_phrases,
    extractor,
    non_reply,
)
from adapters.rules.folding import UNSAFE, Checked, Folded, _lacks, lowered

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


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"(zinsen|kosten)\s+werden", ("werden",)),
        (r"\b(war|waren)\s*$|bestand", ("war", "bestand")),
        (r"ab?c", ("a",)),
        (r"(?<!nicht\s)bereit|x(?=abcd)", ("bereit", "abcd")),
        (r"(ver)?blieb", ("blieb",)),
        (r"\d+,\d{2}|saldo", (",", "saldo")),
        (r"\d+|saldo", None),  # one alternative has no letters
        (r"(?>abc|de)x", ("abc", "de")),
        (r"[a-z]+\s*$", None),
    ],
)
def test_the_words_a_match_needs(pattern, needs):
    assert Folded(pattern).needs == needs


def test_a_text_without_the_needed_words_is_not_searched():
    folded = Folded(r"(zinsen|kosten)\s+werden\s+gesondert")
    assert folded.search("Kosten werden GESONDERT berechnet.").span() == (0, 23)
    assert folded.search("Die Kosten sind enthalten.") is None
    assert list(folded.finditer("Gebühren werden gesondert berechnet.")) == []


def test_every_match_on_the_corpus_holds_a_needed_word():
    """The needed words come from the parsed pattern; on every email of the dev corpus and the
    fixture set (a quarter of dev, for time), a folded pattern that matches the text (searched without them) holds one."""
    from tests.fixtures.pipeline import load_cases, load_corpus

    payloads = [e["payload"] for e in load_corpus("dev")[::4]] + [
        c["payload"] for c in load_cases()
    ]
    texts = [
        f"{p.get('subject') or ''}\n{p.get('body_text') or p.get('body_html') or ''}".lower()
        for p in payloads
    ]
    # Every module of the rules, so a pattern folded in a new module is checked too.
    modules = [
        importlib.import_module(f"adapters.rules.{info.name}")
        for info in pkgutil.iter_modules(rules_package.__path__)
    ]
    folded = {id(v): v for m in modules for v in vars(m).values() if isinstance(v, Folded)}
    folded.update({id(p): p for _, p in amount_kinds._KINDS})
    assert len(folded) > 60
    for pattern in folded.values():
        for text in texts:
            if pattern.needs and pattern.fast.search(text):
                assert any(word in text for word in pattern.needs), pattern.pattern
    checked = [v for m in modules for v in vars(m).values() if isinstance(v, Checked)]
    assert checked
    for pattern in checked:  # (these keep their case: the texts as they are)
        for payload in payloads:
            text = payload.get("body_text") or payload.get("body_html") or ""
            if pattern.needs and pattern.regex.search(text):
                assert any(word in text for word in pattern.needs), pattern.pattern


def test_a_checked_pattern_skips_a_text_without_its_words():
    checked = Checked(r"(?P<n>\d+)\s*(EUR|€)")
    assert checked.needs == ("EUR", "€")
    assert checked.search("Saldo 1250 EUR").group("n") == "1250"
    assert checked.search("Saldo 12,50 eur") is None
    assert list(checked.finditer("Saldo 12,50 Euro")) == []
    with pytest.raises(ValueError):
        Checked(r"eur", re.I)
    assert Checked(r"(?i)eur").needs is None  # case-insensitive after all: no words


def _former_search(folded: Folded, text: str, pos: int = 0):
    """Folded.search as written before its hot path was inlined (the reference)."""
    copy = lowered(text)
    if copy is not None and folded.needs and not any(map(copy.__contains__, folded.needs)):
        copy = ""
    if copy is None:
        return folded.exact.search(text, pos)
    match = folded.fast.search(copy, pos) if copy else None
    return None if match is None else (match.span(), text[match.start() : match.end()])


def test_the_inlined_searches_find_what_the_former_ones_found():
    """Folded.search and Checked.search (inlined copy, loop over the needed words) give what
    the former _copy/_hopeless calls gave (_hopeless is now _lacks): an empty text, an unsafe letter, no needed word, a
    pattern without needed words, the same text twice in a row (the kept copy) and another."""
    patterns = [
        Folded(r"(zinsen|kosten)\s+werden"),
        Folded(r"\s*$"),  # no needed words, matches the empty string
        Folded(r"[a-zäöü]+\s*$"),
        Folded(r"(?<!nicht\s)bereit|x(?=abcd)"),
        Folded(r"saldo\s+ist"),
    ]
    texts = [
        "",
        "",
        "Kosten werden gesondert",
        "KOSTEN WERDEN",
        "İst der Saldo ist",
        "bereit",
        "nicht bereit xabcd",
        "Die Kosten sind enthalten.",
        "   ",
        "Saldo IST 12",
    ]
    for text in texts + texts[::-1]:
        for folded in patterns:
            for pos in (0, 1):
                found = folded.search(text, pos)
                former = _former_search(folded, text, pos)
                if former is None or found is None:
                    assert found is former is None, (folded.pattern, text)
                elif isinstance(former, tuple):
                    assert (found.span(), found.group(0)) == former, (folded.pattern, text)
                else:  # an unsafe letter: the re.I match itself
                    assert (found.span(), found.group(0)) == (former.span(), former.group(0))
                assert folded._copy(text) == _former_copy(folded, text)
        for checked in (Checked(r"(?P<n>\d+)\s*(EUR|€)"), Checked(r"\d+\s*$")):
            hopeless = bool(checked.needs) and not any(map(text.__contains__, checked.needs))
            former = None if hopeless else checked.regex.search(text)
            found = checked.search(text)
            assert (found and found.span()) == (former and former.span())
            assert _lacks(checked.needs, text) is hopeless


def _former_copy(folded: Folded, text: str) -> str | None:
    copy = lowered(text)
    if copy is not None and folded.needs and not any(map(copy.__contains__, folded.needs)):
        return ""
    return copy
