"""Scoring rules that match an extraction to a (client, creditor) pair of the directory.

References first (exact after normalisation), then fuzzy names through an injected
similarity function, plus the sender's domain as creditor evidence. Precision first: a wrong
auto-match is worse than a review, so names alone never reach full confidence, and a best
candidate too close to the runner-up goes to review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from domain.values import DirectoryEntry, Extraction, Match, MatchCandidate

Similarity = Callable[[str, str], float]

MAX_CANDIDATES = 5
# Names alone (no reference on either side) are capped below the default threshold.
NAMES_ONLY_CAP = 0.8
# The best candidate must beat the runner-up by this much to be auto-matched.
AMBIGUITY_MARGIN = 0.05
SENDER_DOMAIN_EVIDENCE = 0.9
_REFERENCE_NOISE = re.compile(r"[\s\-/._:#]+")
_REFERENCE_PREFIX = re.compile(r"^(AZ|AKTENZEICHEN|NR|NO|REF)(?=\d)")


def normalize_reference(reference: str | None) -> str:
    """'Az. 2024 / 1187', 'AZ-2024-1187' and '2024/1187' compare equal; case and separators
    do not count."""
    if not reference:
        return ""
    compact = _REFERENCE_NOISE.sub("", reference).upper()
    return _REFERENCE_PREFIX.sub("", compact)


def _references_equal(left: str | None, right: str | None) -> bool:
    a, b = normalize_reference(left), normalize_reference(right)
    return bool(a) and a == b


def _name_score(similarity: Similarity, left: str | None, right: str | None) -> float:
    if not left or not right:
        return 0.0
    return max(0.0, min(1.0, similarity(left, right)))


# Shared mailbox providers: two creditors on gmail.com say nothing about each other.
_FREEMAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "web.de",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "t-online.de",
        "freenet.de",
        "posteo.de",
        "mail.de",
        "online.de",
        "arcor.de",
        "outlook.com",
        "outlook.de",
        "hotmail.com",
        "hotmail.de",
        "live.com",
        "live.de",
        "yahoo.com",
        "yahoo.de",
        "icloud.com",
        "me.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
    ]
)


def _domain(address: str | None) -> str:
    return (address or "").rpartition("@")[2].strip().lower()


def _same_sender(sender: str | None, creditor_email: str | None) -> bool:
    """The same address, or the same company domain (not a freemail provider)."""
    a, b = (sender or "").strip().lower(), (creditor_email or "").strip().lower()
    if not a or not b:
        return False
    if a == b:
        return True
    domain = _domain(a)
    return bool(domain) and domain == _domain(b) and domain not in _FREEMAIL


def score_entry(
    extraction: Extraction,
    entry: DirectoryEntry,
    similarity: Similarity,
    sender: str | None = None,
) -> float:
    """Evidence that the email is about this client and this creditor, in [0, 1]."""
    client_ref = _references_equal(extraction.client_reference, entry.client_reference)
    creditor_ref = _references_equal(extraction.creditor_reference, entry.creditor_reference)
    client = (
        1.0 if client_ref else _name_score(similarity, extraction.client_name, entry.client_name)
    )
    creditor = (
        1.0
        if creditor_ref
        else _name_score(similarity, extraction.creditor_name, entry.creditor_name)
    )
    if _same_sender(sender, entry.creditor_email):
        creditor = max(creditor, SENDER_DOMAIN_EVIDENCE)

    if client_ref and creditor_ref:
        return 1.0
    if client_ref or creditor_ref:
        # One exact reference; the other side must be backed by its name (or the sender).
        return round(0.6 + 0.4 * min(client, creditor), 4)
    return round(min(NAMES_ONLY_CAP, 0.85 * min(client, creditor)), 4)


def match_candidates(
    extraction: Extraction,
    entries: Iterable[DirectoryEntry],
    similarity: Similarity,
    threshold: float,
    sender: str | None = None,
) -> Match:
    scored = sorted(
        (
            MatchCandidate(
                entry.client_id,
                entry.creditor_id,
                score_entry(extraction, entry, similarity, sender),
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
    if best.score >= threshold and best.score - runner_up >= AMBIGUITY_MARGIN:
        return Match(best.score, best.client_id, best.creditor_id, top)
    return Match(best.score, candidates=top)
