"""Scoring rules that match an extraction to a (client, creditor) pair of the directory.

References first (exact after normalisation), then fuzzy names through an injected
similarity function, plus the sender's domain as creditor evidence. Precision first: a wrong
auto-match is worse than a review, so names alone never reach full confidence, and a best
candidate too close to the runner-up goes to review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.extraction import DirectoryEntry, Extraction, Match, MatchCandidate
from domain.references import SenderAddress, normalize_reference
from domain.safety import NAME_AGREES, assess

Similarity = Callable[[str, str], float]

MAX_CANDIDATES = 5
# Names alone (no reference on either side) are capped below the default threshold.
NAMES_ONLY_CAP = 0.8
# The best candidate must beat the runner-up by this much to be auto-matched.
AMBIGUITY_MARGIN = 0.05
SENDER_DOMAIN_EVIDENCE = 0.95

__all__ = ["match_candidates", "normalize_reference", "score_entry"]


def _name_score(similarity: Similarity, left: str | None, right: str | None) -> float:
    if not left or not right:
        return 0.0
    return max(0.0, min(1.0, similarity(left, right)))


@dataclass(frozen=True)
class _EmailSide:
    """What score_entry compares of one email, worked out once for the whole directory: its
    normalised references (empty ones dropped: they never match) and its sender."""

    client_refs: frozenset[str]
    creditor_refs: frozenset[str]
    sender: SenderAddress

    @classmethod
    def of(cls, extraction: Extraction, sender: str | None) -> _EmailSide:
        loose = extraction.unlabelled_references
        return cls(
            _normalized((extraction.client_reference, *loose)),
            _normalized((extraction.creditor_reference, *loose)),
            SenderAddress(sender),
        )


def _normalized(references: Iterable[str | None]) -> frozenset[str]:
    return frozenset(filter(None, map(normalize_reference, references)))


def score_entry(
    extraction: Extraction,
    entry: DirectoryEntry,
    similarity: Similarity,
    sender: str | None = None,
) -> float:
    """Evidence that the email is about this client and this creditor, in [0, 1]."""
    return _score(_EmailSide.of(extraction, sender), extraction, entry, similarity)


def _score(
    email: _EmailSide, extraction: Extraction, entry: DirectoryEntry, similarity: Similarity
) -> float:
    # A reference agrees when its normalised form is this entry's (and not empty).
    client_ref = normalize_reference(entry.client_reference) in email.client_refs
    creditor_ref = normalize_reference(entry.creditor_reference) in email.creditor_refs
    client = (
        1.0 if client_ref else _name_score(similarity, extraction.client_name, entry.client_name)
    )
    creditor = (
        1.0
        if creditor_ref
        else _name_score(similarity, extraction.creditor_name, entry.creditor_name)
    )
    known_sender = email.sender.same_as(entry.creditor_email)
    if known_sender:
        creditor = max(creditor, SENDER_DOMAIN_EVIDENCE)

    if client_ref and creditor_ref:
        return 1.0
    if creditor_ref:
        # The creditor's reference is kept per (client, creditor): it points at the client too.
        return round(0.6 + 0.4 * max(client, creditor if known_sender else 0.0), 4)
    if client_ref:
        # The practice's file number; the creditor side must be backed by its name or sender.
        return round(0.6 + 0.4 * min(client, creditor), 4)
    if known_sender and client >= NAME_AGREES:
        # The client's name from the creditor's known address: two independent kinds.
        return round(min(client, creditor, SENDER_DOMAIN_EVIDENCE), 4)
    return round(min(NAMES_ONLY_CAP, 0.85 * min(client, creditor)), 4)


def _once_per_pair(similarity: Similarity) -> Similarity:
    """The similarity for one email's matching, each pair of names compared once: a client
    with several creditors repeats its name, and the safety rule compares the best pair's
    names again (48 calls, 29 distinct pairs, for the benchmark's email). The port's
    similarity is a pure function of the two names."""
    scores: dict[tuple[str, str], float] = {}

    def similar(left: str, right: str) -> float:
        score = scores.get((left, right))
        if score is None:
            score = scores[(left, right)] = similarity(left, right)
        return score

    return similar


def match_candidates(
    extraction: Extraction,
    entries: Iterable[DirectoryEntry],
    similarity: Similarity,
    threshold: float,
    sender: str | None = None,
) -> Match:
    """Score every pair, then apply the safety rule (domain.safety) to the best one: an
    auto-match needs a score at or above `threshold`, a clear lead over the runner-up, two
    agreeing kinds of evidence and no conflict."""
    similarity = _once_per_pair(similarity)
    email = _EmailSide.of(extraction, sender)
    directory = list(entries)
    by_pair = {(e.client_id, e.creditor_id): e for e in directory}
    scored = sorted(
        (
            MatchCandidate(
                entry.client_id,
                entry.creditor_id,
                _score(email, extraction, entry, similarity),
            )
            for entry in directory
        ),
        key=lambda c: (-c.score, c.client_id, c.creditor_id),
    )
    top = tuple(c for c in scored[:MAX_CANDIDATES] if c.score > 0)
    if not top:
        conflicts = tuple(f"amount: {text}" for text in extraction.amount_conflicts)
        return Match(score=0.0, conflicts=conflicts)
    best = top[0]
    assessment = assess(
        extraction, by_pair[(best.client_id, best.creditor_id)], directory, similarity, sender
    )
    runner_up = top[1].score if len(top) > 1 else 0.0
    auto = (
        best.score >= threshold
        and best.score - runner_up >= AMBIGUITY_MARGIN
        and assessment.allows_auto_match
    )
    return Match(
        best.score,
        best.client_id if auto else None,
        best.creditor_id if auto else None,
        top,
        evidence=assessment.evidence,
        conflicts=assessment.conflicts,
    )
