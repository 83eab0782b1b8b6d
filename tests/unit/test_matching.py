"""Matching rules (domain/matching.py): references first, names capped, ambiguity to review."""

from __future__ import annotations

import pytest

from domain.extraction import DirectoryEntry, Extraction
from domain.matching import (
    AMBIGUITY_MARGIN,
    NAMES_ONLY_CAP,
    match_candidates,
    normalize_reference,
    score_entry,
)

THRESHOLD = 0.85


def similarity(left: str, right: str) -> float:
    """Deterministic stand-in: equal ignoring case → 1.0, same last word → 0.7, else 0."""
    a, b = left.lower().split(), right.lower().split()
    if a == b:
        return 1.0
    return 0.7 if a and b and a[-1] == b[-1] else 0.0


JANA_TELEKOM = DirectoryEntry(
    "M-1", "Jana Hoffmann", "C-1", "Telekom", "2024/1187", "KD-4471", "forderung@telekom.example"
)
JANA_VODAFONE = DirectoryEntry(
    "M-1", "Jana Hoffmann", "C-2", "Vodafone", "2024/1187", "VF-1", "inkasso@vodafone.example"
)
PETER_TELEKOM = DirectoryEntry(
    "M-2", "Peter Krause", "C-3", "Telekom", "2024/2001", "KD-9999", "forderung@telekom.example"
)
ANNA_HOFFMANN_TELEKOM = DirectoryEntry(
    "M-3", "Anna Hoffmann", "C-4", "Telekom", "2024/3000", "KD-5555"
)
DIRECTORY = [JANA_TELEKOM, JANA_VODAFONE, PETER_TELEKOM, ANNA_HOFFMANN_TELEKOM]


def extraction(**fields) -> Extraction:
    return Extraction(is_creditor_reply=True, **fields)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2024/1187", "2024-1187"),
        ("Az. 2024 / 1187", "2024/1187"),
        ("kd-4471", "KD 4471"),
        ("AZ2024/1187", "2024.1187"),
        # a label typed into the directory with the number (v-025 moved to dev)
        ("Mieter-Nr. 22/114", "22/114"),
        ("Kd.-Nr. 4471-2290", "4471 2290"),
    ],
)
def test_references_are_normalised(left, right):
    assert normalize_reference(left) == normalize_reference(right)


def test_different_references_stay_different():
    assert normalize_reference("2024/1187") != normalize_reference("2024/1178")
    assert normalize_reference(None) == normalize_reference("") == ""


def test_both_references_match_exactly():
    match = match_candidates(
        extraction(client_reference="2024-1187", creditor_reference="kd 4471"),
        DIRECTORY,
        similarity,
        THRESHOLD,
    )
    assert (match.client_id, match.creditor_id, match.score) == ("M-1", "C-1", 1.0)


def test_client_reference_plus_creditor_name_auto_matches():
    match = match_candidates(
        extraction(client_reference="2024/1187", creditor_name="Telekom"),
        DIRECTORY,
        similarity,
        THRESHOLD,
    )
    assert (match.client_id, match.creditor_id) == ("M-1", "C-1")


def test_client_reference_alone_is_ambiguous_between_that_clients_creditors():
    match = match_candidates(
        extraction(client_reference="2024/1187"), DIRECTORY, similarity, THRESHOLD
    )
    assert not match.is_auto_match
    assert {c.creditor_id for c in match.candidates[:2]} == {"C-1", "C-2"}


def test_sender_domain_backs_the_creditor_side():
    match = match_candidates(
        extraction(client_reference="2024/1187"),
        DIRECTORY,
        similarity,
        THRESHOLD,
        sender="noreply@telekom.example",
    )
    assert (match.client_id, match.creditor_id) == ("M-1", "C-1")


def test_names_alone_never_auto_match():
    exact_names = extraction(client_name="Jana Hoffmann", creditor_name="Telekom")
    assert score_entry(exact_names, JANA_TELEKOM, similarity) == NAMES_ONLY_CAP
    match = match_candidates(exact_names, DIRECTORY, similarity, THRESHOLD)
    assert not match.is_auto_match and match.candidates[0].client_id == "M-1"


def test_client_name_from_the_creditors_known_address_auto_matches():
    named = extraction(client_name="Jana Hoffmann")
    match = match_candidates(
        named, DIRECTORY, similarity, THRESHOLD, sender="forderung@telekom.example"
    )
    assert (match.client_id, match.creditor_id) == ("M-1", "C-1")
    assert set(match.evidence) == {"client_name", "sender"}


def test_names_alone_can_match_with_a_low_threshold_if_unambiguous():
    match = match_candidates(
        extraction(client_name="Jana Hoffmann", creditor_name="Vodafone"),
        DIRECTORY,
        similarity,
        0.75,
    )
    assert (match.client_id, match.creditor_id) == ("M-1", "C-2")


def test_close_runner_up_goes_to_review():
    twins = [
        JANA_TELEKOM,
        DirectoryEntry("M-9", "Jana Hoffmann", "C-9", "Telekom", "2024/1187", "KD-4471"),
    ]
    match = match_candidates(
        extraction(client_reference="2024/1187", creditor_reference="KD-4471"),
        twins,
        similarity,
        THRESHOLD,
    )
    assert not match.is_auto_match
    assert match.score == 1.0 and len(match.candidates) == 2


@pytest.mark.parametrize(("runner_up_similarity", "auto_match"), [(0.9, False), (0.85, True)])
def test_a_runner_up_within_the_margin_sends_the_best_to_review(runner_up_similarity, auto_match):
    """Both pairs share the client reference; the creditor names decide how close they come."""

    def close_names(left: str, right: str) -> float:
        return 1.0 if left == right else runner_up_similarity

    best = DirectoryEntry("M-1", "Jana Hoffmann", "C-1", "Telekom", "2024/1187")
    runner_up = DirectoryEntry("M-1", "Jana Hoffmann", "C-2", "Telekom Deutschland", "2024/1187")
    match = match_candidates(
        extraction(client_reference="2024/1187", creditor_name="Telekom"),
        [best, runner_up],
        close_names,
        THRESHOLD,
    )
    first, second = match.candidates
    assert (first.creditor_id, first.score) == ("C-1", 1.0)
    assert (first.score - second.score >= AMBIGUITY_MARGIN) is auto_match
    assert match.is_auto_match is auto_match


def test_no_evidence_no_candidates():
    match = match_candidates(
        extraction(client_name="Unbekannt Person"), DIRECTORY, similarity, THRESHOLD
    )
    assert match.score == 0.0 and match.candidates == () and not match.is_auto_match


def test_wrong_client_reference_with_right_names_does_not_auto_match():
    wrong = extraction(
        client_reference="2099/1", client_name="Jana Hoffmann", creditor_name="Telekom"
    )
    assert not match_candidates(wrong, DIRECTORY, similarity, THRESHOLD).is_auto_match


def test_candidates_are_bounded_and_sorted():
    many = [DirectoryEntry(f"M-{i}", "Jana Hoffmann", f"C-{i}", "Telekom") for i in range(20)]
    match = match_candidates(
        extraction(client_name="Jana Hoffmann", creditor_name="Telekom"),
        many,
        similarity,
        THRESHOLD,
    )
    assert len(match.candidates) == 5
    assert [c.score for c in match.candidates] == sorted(
        (c.score for c in match.candidates), reverse=True
    )


def test_a_shared_freemail_domain_is_no_creditor_evidence():
    # Two different small creditors on gmail.com: only the exact address backs the creditor.
    huber = DirectoryEntry(
        "M-1", "Jana Hoffmann", "C-9", "Malerbetrieb Huber", "2024/1187", None, "huber@gmail.com"
    )
    email = extraction(client_reference="2024/1187", creditor_name="Praxis Keller")
    other = match_candidates(email, [huber], similarity, THRESHOLD, sender="keller@gmail.com")
    same = match_candidates(email, [huber], similarity, THRESHOLD, sender="huber@gmail.com")
    assert not other.is_auto_match
    assert same.is_auto_match


def test_each_pair_of_names_is_compared_once_per_email_with_the_same_match():
    many = [DirectoryEntry(f"M-{i % 3}", "Jana Hoffmann", f"C-{i}", "Telekom") for i in range(9)]
    email = extraction(client_name="Jana Hoffmann", creditor_name="Telekom AG")
    calls: list[tuple[str, str]] = []

    def counting(left: str, right: str) -> float:
        calls.append((left, right))
        return similarity(left, right)

    once = match_candidates(email, [*many, *DIRECTORY], counting, THRESHOLD)
    assert calls and len(calls) == len(set(calls))
    assert once == match_candidates(email, [*many, *DIRECTORY], similarity, THRESHOLD)
