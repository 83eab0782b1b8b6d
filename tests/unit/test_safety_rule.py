"""The safety rule of SPEC §7 (domain/safety.py): two agreeing kinds, no contradiction."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from domain.extraction import PAYMENT, DirectoryEntry, Extraction, Span
from domain.matching import match_candidates
from domain.safety import assess
from tests.unit.test_matching import similarity

THRESHOLD = 0.85


JANA = DirectoryEntry(
    "M-1",
    "Jana Hoffmann",
    "C-1",
    "Telekom",
    "2024/1187",
    "KD-4471",
    "forderung@telekom.example",
    "1980-02-01",
)
THOMAS = DirectoryEntry(
    "M-2",
    "Thomas Hoffmann",
    "C-3",
    "Telekom",
    "2024/1203",
    "KD-5520",
    "forderung@telekom.example",
    "1976-09-14",
)
OLGA = DirectoryEntry("M-3", "Olga Nowak", "C-5", "Otto", "K 402/24", "71-009", "fm@otto.example")
DIRECTORY = [JANA, THOMAS, OLGA]
SENDER = "forderung@telekom.example"


def reply(**fields) -> Extraction:
    return Extraction(is_creditor_reply=True, **fields)


@pytest.mark.parametrize(
    ("fields", "sender", "evidence", "conflict_words"),
    [
        # two agreeing kinds, nothing against: allowed
        (
            {"client_reference": "2024/1187", "creditor_reference": "KD-4471"},
            None,
            ("client_reference", "creditor_reference"),
            [],
        ),
        (
            {"client_reference": "2024/1187", "client_name": "Jana Hoffmann"},
            SENDER,
            ("client_reference", "client_name", "sender"),
            [],
        ),
        (
            {"client_birth_date": "1980-02-01", "client_reference": "2024/1187"},
            SENDER,
            ("client_reference", "client_birth_date", "sender"),
            [],
        ),
        # a name that is another client's
        (
            {"client_reference": "2024/1187", "client_name": "Thomas Hoffmann"},
            SENDER,
            ("client_reference", "sender"),
            ["Thomas Hoffmann"],
        ),
        # a name that is nobody's in the directory but clearly not the client
        (
            {"client_reference": "2024/1187", "client_name": "Olaf Berg"},
            SENDER,
            ("client_reference", "sender"),
            ["Olaf Berg"],
        ),
        # a differing birth date
        (
            {"client_reference": "2024/1187", "client_birth_date": "1981-02-01"},
            SENDER,
            ("client_reference", "sender"),
            ["1981-02-01"],
        ),
        # the creditor reference belongs to another client
        (
            {"client_reference": "2024/1187", "creditor_reference": "KD-5520"},
            SENDER,
            ("client_reference", "sender"),
            ["KD-5520"],
        ),
        # disagreeing totals
        (
            {
                "client_reference": "2024/1187",
                "creditor_reference": "KD-4471",
                "amount_conflicts": ("512.60 vs 480.00",),
            },
            None,
            ("client_reference", "creditor_reference"),
            ["512.60"],
        ),
    ],
)
def test_assessment_table(fields, sender, evidence, conflict_words):
    result = assess(reply(**fields), JANA, DIRECTORY, similarity, sender)
    assert set(result.evidence) == set(evidence)
    assert len(result.conflicts) == len(conflict_words)
    for word, conflict in zip(conflict_words, result.conflicts, strict=True):
        assert word in conflict
    assert result.allows_auto_match is (not conflict_words)


@pytest.mark.parametrize(
    ("fields", "sender"),
    [
        ({"client_reference": "2024/1187"}, None),  # one kind only
        (
            {"client_name": "Jana Hoffmann", "client_birth_date": "1980-02-01"},
            None,
        ),  # no creditor side
        ({"creditor_name": "Telekom"}, SENDER),  # no client side
    ],
)
def test_one_kind_or_one_side_is_not_enough(fields, sender):
    assert not assess(reply(**fields), JANA, DIRECTORY, similarity, sender).allows_auto_match


def test_contradicted_reference_goes_to_review_with_the_conflict_named():
    # The practice's file number points to Thomas; the letter names Jana.
    extraction = reply(
        client_reference="2024/1203", creditor_reference="KD-5520", client_name="Jana Hoffmann"
    )
    match = match_candidates(extraction, DIRECTORY, similarity, THRESHOLD, sender=SENDER)
    assert not match.is_auto_match
    assert match.candidates[0].client_id == "M-2"
    assert any("Jana Hoffmann" in c for c in match.conflicts)


def test_agreeing_match_lists_its_evidence():
    extraction = reply(client_reference="2024/1187", creditor_reference="KD-4471")
    match = match_candidates(extraction, DIRECTORY, similarity, THRESHOLD, sender=SENDER)
    assert (match.client_id, match.creditor_id) == ("M-1", "C-1")
    assert set(match.evidence) == {"client_reference", "creditor_reference", "sender"}
    assert match.conflicts == ()


def test_amount_conflict_without_any_candidate_is_still_named():
    match = match_candidates(
        reply(amount_conflicts=("512.60 vs 480.00",)), [], similarity, THRESHOLD
    )
    assert match.conflicts == ("amount: 512.60 vs 480.00",)


# j-045 / l-046's class: a payment reported beside a figure equal to the claim on file.
JANA_ON_FILE = dataclasses.replace(JANA, claim_amount=Decimal("735.50"))


@pytest.mark.parametrize(
    ("amount", "payment", "conflict"),
    [
        ("735.50", True, True),  # the figure on file: is the payment in it?
        ("435.50", True, False),  # another figure: what the payment left
        ("735.50", False, False),  # no payment reported: the figure is confirmed
    ],
)
def test_a_payment_beside_the_figure_on_file_is_a_conflict(amount, payment, conflict):
    evidence = {PAYMENT: Span(10, 18, "300,00 €")} if payment else {}
    extraction = reply(claim_amount=Decimal(amount), evidence=evidence)
    result = assess(extraction, JANA_ON_FILE, [JANA_ON_FILE, THOMAS, OLGA], similarity, SENDER)
    assert any("payment" in text for text in result.conflicts) is conflict


def test_a_file_number_that_is_another_pairs_creditor_reference_is_a_conflict():
    """ "ref KD-5520" read as the practice's file number is Thomas's Telekom customer number:
    the letter names Jana, so it contradicts her (u-043 moved to dev)."""
    extraction = reply(client_reference="KD-5520", client_name="Jana Hoffmann")
    result = assess(extraction, JANA, DIRECTORY, similarity, SENDER)
    assert any("KD-5520 belongs to M-2/C-3" in c for c in result.conflicts)


def test_a_mislabelled_reference_of_the_pair_itself_agrees():
    extraction = reply(client_reference="KD-4471", client_name="Jana Hoffmann")
    result = assess(extraction, JANA, DIRECTORY, similarity, SENDER)
    assert "creditor_reference" in result.evidence and result.conflicts == ()


@pytest.mark.parametrize(
    ("fields", "allowed"),
    [
        # "Frau Hoffmann" with Jana's file number, two Hoffmanns at Telekom: the file number alone
        # cannot tell them apart (zj-041 moved to dev)
        ({"client_reference": "2024/1187", "client_name": "Hoffmann"}, False),
        # the creditor's own reference or the birth date does
        (
            {
                "client_reference": "2024/1187",
                "client_name": "Hoffmann",
                "creditor_reference": "KD-4471",
            },
            True,
        ),
        (
            {
                "client_reference": "2024/1187",
                "client_name": "Hoffmann",
                "client_birth_date": "1980-02-01",
            },
            True,
        ),
        # the full name tells them apart
        ({"client_reference": "2024/1187", "client_name": "Jana Hoffmann"}, True),
    ],
)
def test_a_surname_shared_at_the_same_creditor_needs_more_than_the_file_number(fields, allowed):
    result = assess(reply(**fields), JANA, DIRECTORY, similarity, SENDER)
    assert result.allows_auto_match is allowed, result
    if not allowed:
        assert any("fits Thomas Hoffmann at the same creditor" in c for c in result.conflicts)
