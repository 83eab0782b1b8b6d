"""The outcome decision (SPEC §2), table-driven: one rule for ProcessEmail and the fixtures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.extraction import Extraction, Match
from domain.outcome import decide_outcome
from domain.values import Outcome

REPLY = Extraction(is_creditor_reply=True, claim_amount=Decimal("812.40"), extractor="t")
REPLY_WITHOUT_AMOUNT = Extraction(is_creditor_reply=True, extractor="t")
NOT_A_REPLY = Extraction(is_creditor_reply=False, extractor="t")
AUTO_MATCH = Match(score=0.95, client_id="M-1", creditor_id="C-1")
BELOW_THRESHOLD = Match(score=0.6)


@pytest.mark.parametrize(
    ("extraction", "match", "outcome"),
    [
        (NOT_A_REPLY, None, Outcome.NOT_CREDITOR_REPLY),
        (NOT_A_REPLY, AUTO_MATCH, Outcome.NOT_CREDITOR_REPLY),
        (REPLY, AUTO_MATCH, Outcome.MATCHED),
        (REPLY, BELOW_THRESHOLD, Outcome.NEEDS_REVIEW),
        (REPLY_WITHOUT_AMOUNT, AUTO_MATCH, Outcome.NEEDS_REVIEW),
        (REPLY_WITHOUT_AMOUNT, BELOW_THRESHOLD, Outcome.NEEDS_REVIEW),
    ],
)
def test_outcome_follows_the_rule(extraction, match, outcome):
    assert decide_outcome(extraction, match) is outcome


def test_a_reply_without_its_match_is_refused():
    with pytest.raises(ValueError):
        decide_outcome(REPLY, None)
