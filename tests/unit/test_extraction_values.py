"""Extraction and Match carry SPEC §7's added fields through their JSON form."""

from __future__ import annotations

from decimal import Decimal

from domain.extraction import Extraction, Match, MatchCandidate, Span


def test_extraction_round_trips_the_added_fields():
    extraction = Extraction(
        is_creditor_reply=True,
        claim_amount=Decimal("748.09"),
        components={"principal": Decimal("566.31"), "interest": None, "costs": Decimal("5")},
        client_birth_date="1958-03-15",
        evidence={"claim_amount": Span(10, 18, "748,09 €")},
        amount_conflicts=("748.09 vs 700.00",),
    )
    data = extraction.to_dict()
    assert data["components"] == {"principal": "566.31", "interest": None, "costs": "5.00"}
    assert data["evidence"] == {"claim_amount": {"start": 10, "end": 18, "text": "748,09 €"}}
    assert data["non_reply_reason"] is None
    assert Extraction.from_dict(data).to_dict() == data


def test_old_stored_extraction_without_the_fields_still_loads():
    old = {"is_creditor_reply": False, "confidence": 0.9, "extractor": "rules"}
    loaded = Extraction.from_dict(old)
    assert loaded.components is None and loaded.evidence == {} and loaded.amount_conflicts == ()


def test_match_round_trips_evidence_and_conflicts():
    match = Match(0.9, None, None, (MatchCandidate("M-1", "C-1", 0.9),), ("sender",), ("x",))
    data = match.to_dict()
    assert data["evidence"] == ["sender"] and data["conflicts"] == ["x"]
    assert Match.from_dict(data) == match
    assert Match.from_dict({"score": 0.5}).conflicts == ()
