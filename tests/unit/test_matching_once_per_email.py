"""Matching works out the email's side once (domain/matching.py `_EmailSide`,
domain/references.py `SenderAddress`) and the similarity adapter remembers compared pairs
(adapters/similarity.py): the same scores and decisions as comparing every entry from scratch,
which the functions below (the rules as they were written before) still do."""

from __future__ import annotations

import itertools

import pytest

from adapters import similarity as similarity_module
from adapters.similarity import RapidFuzzSimilarity
from domain.extraction import DirectoryEntry, Extraction
from domain.matching import (
    NAMES_ONLY_CAP,
    SENDER_DOMAIN_EVIDENCE,
    match_candidates,
    normalize_reference,
    score_entry,
)
from domain.references import _FREEMAIL, same_sender
from domain.safety import NAME_AGREES


def _old_domain(address: str | None) -> str:
    return (address or "").rpartition("@")[2].strip().lower()


def old_same_sender(sender: str | None, creditor_email: str | None) -> bool:
    a, b = (sender or "").strip().lower(), (creditor_email or "").strip().lower()
    if not a or not b:
        return False
    if a == b:
        return True
    domain = _old_domain(a)
    return bool(domain) and domain == _old_domain(b) and domain not in _FREEMAIL


def _old_references_equal(left, right) -> bool:
    a, b = normalize_reference(left), normalize_reference(right)
    return bool(a) and a == b


def _old_name_score(similarity, left, right) -> float:
    if not left or not right:
        return 0.0
    return max(0.0, min(1.0, similarity(left, right)))


def old_score_entry(extraction, entry, similarity, sender=None) -> float:
    loose = extraction.unlabelled_references
    client_ref = any(
        _old_references_equal(ref, entry.client_reference)
        for ref in (extraction.client_reference, *loose)
    )
    creditor_ref = any(
        _old_references_equal(ref, entry.creditor_reference)
        for ref in (extraction.creditor_reference, *loose)
    )
    client = (
        1.0
        if client_ref
        else _old_name_score(similarity, extraction.client_name, entry.client_name)
    )
    creditor = (
        1.0
        if creditor_ref
        else _old_name_score(similarity, extraction.creditor_name, entry.creditor_name)
    )
    known_sender = old_same_sender(sender, entry.creditor_email)
    if known_sender:
        creditor = max(creditor, SENDER_DOMAIN_EVIDENCE)
    if client_ref and creditor_ref:
        return 1.0
    if creditor_ref:
        return round(0.6 + 0.4 * max(client, creditor if known_sender else 0.0), 4)
    if client_ref:
        return round(0.6 + 0.4 * min(client, creditor), 4)
    if known_sender and client >= NAME_AGREES:
        return round(min(client, creditor, SENDER_DOMAIN_EVIDENCE), 4)
    return round(min(NAMES_ONLY_CAP, 0.85 * min(client, creditor)), 4)


ADDRESSES = [
    None,
    "",
    "  ",
    "forderung@telekom.example",
    " Forderung@Telekom.Example ",
    "inkasso@telekom.example",
    "telekom.example",
    "x@",
    "@telekom.example",
    "a@gmail.com",
    "b@GMAIL.com",
    "no-at-sign",
    "inkasso@vodafone.example",
]


@pytest.mark.parametrize(
    ("sender", "creditor_email"), list(itertools.product(ADDRESSES, ADDRESSES))
)
def test_same_sender_answers_as_before(sender, creditor_email):
    assert same_sender(sender, creditor_email) == old_same_sender(sender, creditor_email)


DIRECTORY = [
    DirectoryEntry(
        "M-1",
        "Jana Hoffmann",
        "C-1",
        "Telekom Deutschland GmbH",
        "2024/1187",
        "KD-4471",
        "forderung@telekom.example",
    ),
    DirectoryEntry(
        "M-1", "Jana Hoffmann", "C-2", "Vodafone", "2024/1187", "VF-1", "inkasso@vodafone.example"
    ),
    DirectoryEntry(
        "M-2", "Peter Krause", "C-3", "Telekom", "2024/2001", "KD-9999", "forderung@telekom.example"
    ),
    DirectoryEntry("M-3", "Anna Hoffmann", "C-4", "Telekom", "", None, None),
    DirectoryEntry(
        "M-4", "Dr. Jörg Müller", "C-5", "EOS KSI Inkasso", "Az. 7/22", "ab-12", "post@gmail.com"
    ),
]
EXTRACTIONS = [
    Extraction(
        is_creditor_reply=True,
        client_name=client,
        creditor_name=creditor,
        client_reference=client_ref,
        creditor_reference=creditor_ref,
        unlabelled_references=loose,
    )
    for client, creditor, client_ref, creditor_ref, loose in itertools.product(
        [None, "Jana Hoffmann", "Frau Hoffmann", "Joerg Mueller", "Peter Krause"],
        [None, "Telekom", "Vodafone GmbH", "EOS KSI"],
        [None, "", "2024-1187", "AZ 7 22"],
        [None, "KD 4471", "ab12", "VF-1"],
        [(), ("2024/2001",), ("", "kd-9999")],
    )
]
SENDERS = [None, "forderung@telekom.example", "x@telekom.example", "post@gmail.com", "a@b.c"]


def test_scores_and_matches_are_those_of_comparing_every_entry_from_scratch():
    similarity = RapidFuzzSimilarity()
    for extraction, sender in itertools.product(EXTRACTIONS, SENDERS):
        for entry in DIRECTORY:
            expected = old_score_entry(extraction, entry, similarity, sender)
            assert score_entry(extraction, entry, similarity, sender) == expected
        match = match_candidates(extraction, DIRECTORY, similarity, 0.85, sender=sender)
        assert [c.score for c in match.candidates] == sorted(
            (s for e in DIRECTORY if (s := old_score_entry(extraction, e, similarity, sender))),
            reverse=True,
        )[: len(match.candidates)]


def test_the_similarity_compares_a_pair_of_names_once(monkeypatch):
    """A pure function of the two names: a pair compared again (the safety rule's directory
    pairs, every email) is answered from memory, with the same value."""
    calls: list[tuple[str, str]] = []
    ratio = similarity_module.fuzz.token_sort_ratio

    def counted(a, b, **kwargs):
        calls.append((a, b))
        return ratio(a, b, **kwargs)

    monkeypatch.setattr(similarity_module.fuzz, "token_sort_ratio", counted)
    similarity = RapidFuzzSimilarity()
    first = similarity("Telekom Deutschland GmbH once", "Telekom Deutschland twice")
    again = RapidFuzzSimilarity()("Telekom Deutschland GmbH once", "Telekom Deutschland twice")
    assert first == again and len(calls) == 1
