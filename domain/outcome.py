"""The outcome decision of a processed email (SPEC §2): one rule, used by ProcessEmail and by
the fixture pipeline, so the accuracy benchmark measures what production does."""

from __future__ import annotations

from domain.extraction import Extraction, Match
from domain.values import Outcome, is_writable_amount


def needs_matching(extraction: Extraction) -> bool:
    """Only a creditor reply is matched against the directory."""
    return extraction.is_creditor_reply


def decide_outcome(extraction: Extraction, match: Match | None) -> Outcome:
    """Not a reply → not_creditor_reply; an auto-match with a writable claim amount → matched (the
    claim is written); anything else → needs_review (a wrong auto-match is the worse error)."""
    if not needs_matching(extraction):
        return Outcome.NOT_CREDITOR_REPLY
    if match is None:
        raise ValueError("a creditor reply needs its match before the outcome is decided")
    # An amount beyond the ledger's range or with sub-cent digits is a mis-read: a human decides.
    if match.is_auto_match and is_writable_amount(extraction.claim_amount):
        return Outcome.MATCHED
    return Outcome.NEEDS_REVIEW
