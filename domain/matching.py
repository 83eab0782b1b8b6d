"""Scoring rules that match an extraction to a (client, creditor) pair of the directory.

References first (exact after normalisation), then fuzzy names through an injected
similarity function. Precision first: a wrong auto-match is worse than a review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from domain.values import DirectoryEntry, Extraction, Match, MatchCandidate

Similarity = Callable[[str, str], float]

MAX_CANDIDATES = 5
_REFERENCE_NOISE = re.compile(r"[\s\-/._:]+")


def normalize_reference(reference: str | None) -> str:
    """'Az. 2024 / 1187' and '2024-1187' compare equal; case and separators do not count."""
    if not reference:
        return ""
    return _REFERENCE_NOISE.sub("", reference).upper()


def _references_equal(left: str | None, right: str | None) -> bool:
    a, b = normalize_reference(left), normalize_reference(right)
    return bool(a) and a == b


def _name_score(similarity: Similarity, left: str | None, right: str | None) -> float:
    if not left or not right:
        return 0.0
    return max(0.0, min(1.0, similarity(left, right)))


def score_entry(extraction: Extraction, entry: DirectoryEntry, similarity: Similarity) -> float:
    """Evidence that the email is about this client and this creditor, in [0, 1]."""
    client_ref = _references_equal(extraction.client_reference, entry.client_reference)
    creditor_ref = _references_equal(extraction.creditor_reference, entry.creditor_reference)
    client_name = _name_score(similarity, extraction.client_name, entry.client_name)
    creditor_name = _name_score(similarity, extraction.creditor_name, entry.creditor_name)

    client = 1.0 if client_ref else client_name
    creditor = 1.0 if creditor_ref else creditor_name
    if client_ref and creditor_ref:
        return 1.0
    # One exact reference plus good name evidence on the other side is strong; names alone
    # never reach full confidence.
    if client_ref or creditor_ref:
        return round(0.6 + 0.4 * min(client, creditor), 4)
    return round(0.8 * min(client, creditor) + 0.1 * max(client, creditor) * 0.5, 4)


def match_candidates(
    extraction: Extraction,
    entries: Iterable[DirectoryEntry],
    similarity: Similarity,
    threshold: float,
) -> Match:
    scored = sorted(
        (
            MatchCandidate(
                entry.client_id, entry.creditor_id, score_entry(extraction, entry, similarity)
            )
            for entry in entries
        ),
        key=lambda c: (-c.score, c.client_id, c.creditor_id),
    )
    top = tuple(c for c in scored[:MAX_CANDIDATES] if c.score > 0)
    if not top:
        return Match(score=0.0)
    best = top[0]
    runner_up = top[1].score if len(top) > 1 else 0.0
    # Two candidates equally good is ambiguous: leave it to a human.
    if best.score >= threshold and best.score > runner_up:
        return Match(best.score, best.client_id, best.creditor_id, top)
    return Match(best.score, candidates=top)
