"""The safety rule of SPEC §7: which kinds of evidence agree on a candidate, which contradict it.

An auto-match needs at least two independent kinds of agreeing evidence — one of them pointing
at the client, one at the creditor — and no contradicting evidence at all. A wrong auto-match
books a claim into the wrong debtor's file, so every contradiction is named and sends the email
to review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.extraction import PAYMENT, DirectoryEntry, Extraction
from domain.references import normalize_reference, same_sender

Similarity = Callable[[str, str], float]

CLIENT_REFERENCE = "client_reference"
CREDITOR_REFERENCE = "creditor_reference"
CLIENT_NAME = "client_name"
CLIENT_BIRTH_DATE = "client_birth_date"
SENDER = "sender"
CREDITOR_NAME = "creditor_name"

# A creditor reference is kept per (client, creditor) pair, so it points at both.
CLIENT_SIDE = frozenset([CLIENT_REFERENCE, CREDITOR_REFERENCE, CLIENT_NAME, CLIENT_BIRTH_DATE])
CREDITOR_SIDE = frozenset([CREDITOR_REFERENCE, SENDER, CREDITOR_NAME])

# A name agrees at or above this similarity; below NAME_DIFFERS it names somebody else.
NAME_AGREES = 0.9
NAME_DIFFERS = 0.6
CREDITOR_NAME_AGREES = 0.85
# Only a near-exact name is taken as naming another creditor ("Inkasso-Service" names nobody).
NAME_IS_ANOTHERS = 0.95


@dataclass(frozen=True)
class Assessment:
    evidence: tuple[str, ...]
    conflicts: tuple[str, ...]

    @property
    def allows_auto_match(self) -> bool:
        kinds = set(self.evidence)
        return (
            not self.conflicts
            and len(kinds) >= 2
            and bool(kinds & CLIENT_SIDE)
            and bool(kinds & CREDITOR_SIDE)
        )


def assess(
    extraction: Extraction,
    entry: DirectoryEntry,
    directory: Iterable[DirectoryEntry],
    similarity: Similarity,
    sender: str | None = None,
) -> Assessment:
    """Evidence for and against `entry` being the (client, creditor) the email is about."""
    others = [
        e for e in directory if (e.client_id, e.creditor_id) != (entry.client_id, entry.creditor_id)
    ]
    evidence: list[str] = []
    conflicts: list[str] = list(f"amount: {text}" for text in extraction.amount_conflicts)

    # A labelled reference that is not this pair's under its label and belongs to no other pair
    # under it is read once more as a bare one ("ref RV-DE-…" in a subject is no file number).
    relabelled: list[str] = []
    client_ref = normalize_reference(extraction.client_reference)
    if client_ref:
        if client_ref == normalize_reference(entry.client_reference):
            evidence.append(CLIENT_REFERENCE)
        else:
            owner = _owner(others, client_ref, lambda e: e.client_reference)
            if owner is not None and owner.client_id != entry.client_id:
                conflicts.append(
                    f"file number {extraction.client_reference} belongs to client "
                    f"{owner.client_id}, not {entry.client_id}"
                )
            elif owner is None:
                relabelled.append(extraction.client_reference or "")

    creditor_ref = normalize_reference(extraction.creditor_reference)
    if creditor_ref:
        if creditor_ref == normalize_reference(entry.creditor_reference):
            evidence.append(CREDITOR_REFERENCE)
        else:
            owner = _owner(others, creditor_ref, lambda e: e.creditor_reference)
            if owner is not None:
                conflicts.append(
                    f"creditor reference {extraction.creditor_reference} belongs to "
                    f"{owner.client_id}/{owner.creditor_id}, not {entry.client_id}/{entry.creditor_id}"
                )
            else:
                relabelled.append(extraction.creditor_reference or "")

    loose = (*extraction.unlabelled_references, *relabelled)
    _unlabelled(loose, entry, others, evidence, conflicts)

    if extraction.client_name:
        own = _similar(similarity, extraction.client_name, entry.client_name)
        other = _best_named(similarity, extraction.client_name, entry, others)
        named_other = other is not None and other[1] >= NAME_AGREES and other[1] > own
        if own < NAME_DIFFERS or named_other:
            conflicts.append(
                f"the email names {extraction.client_name}, the candidate client is "
                f"{entry.client_name}"
            )
        elif own >= NAME_AGREES and (other is None or other[1] < own):
            # A surname two clients share ("Frau Hoffmann") points at neither.
            evidence.append(CLIENT_NAME)

    if extraction.client_birth_date and entry.client_birth_date:
        if extraction.client_birth_date == entry.client_birth_date:
            evidence.append(CLIENT_BIRTH_DATE)
        else:
            conflicts.append(
                f"birth date {extraction.client_birth_date} in the email differs from the "
                f"client's {entry.client_birth_date}"
            )

    _shared_surname(extraction, entry, others, similarity, evidence, conflicts)

    payment = extraction.evidence.get(PAYMENT)
    if (
        payment is not None
        and extraction.claim_amount
        and entry.claim_amount is not None
        and extraction.claim_amount == entry.claim_amount
    ):
        # "300 € eingegangen … offen 735,50 €" when 735,50 is the figure already on file:
        # nobody can tell whether the payment is in it.
        conflicts.append(
            f"a payment is reported ({payment.text}), yet the amount equals the claim on file "
            f"({entry.claim_amount})"
        )

    other_creditors = [e for e in others if not _same_creditor(similarity, e, entry)]
    if same_sender(sender, entry.creditor_email):
        evidence.append(SENDER)
    elif sender and any(
        (e.creditor_email or "").strip().lower() == sender.strip().lower() for e in other_creditors
    ):
        conflicts.append(
            f"the sender {sender} is known for another creditor, not {entry.creditor_name}"
        )
    if extraction.creditor_name:
        own = _similar(similarity, extraction.creditor_name, entry.creditor_name)
        if own >= CREDITOR_NAME_AGREES:
            evidence.append(CREDITOR_NAME)
        elif own < NAME_DIFFERS and any(
            _similar(similarity, extraction.creditor_name, e.creditor_name) >= NAME_IS_ANOTHERS
            for e in other_creditors
        ):
            conflicts.append(
                f"the email is from {extraction.creditor_name}, the candidate creditor is "
                f"{entry.creditor_name}"
            )
    return Assessment(tuple(dict.fromkeys(evidence)), tuple(conflicts))


def _same_creditor(similarity: Similarity, left: DirectoryEntry, right: DirectoryEntry) -> bool:
    """The same creditor of another client ("Telekom" for Jana and for Thomas)."""
    return _similar(similarity, left.creditor_name, right.creditor_name) >= CREDITOR_NAME_AGREES


def _unlabelled(references, entry, others, evidence: list[str], conflicts: list[str]) -> None:
    """A bare reference agrees when it is this pair's, contradicts when it is another's."""
    for reference in references:
        norm = normalize_reference(reference)
        if norm == normalize_reference(entry.client_reference):
            evidence.append(CLIENT_REFERENCE)
        elif norm == normalize_reference(entry.creditor_reference):
            evidence.append(CREDITOR_REFERENCE)
        else:
            owner = _owner(
                [o for o in others if o.client_id != entry.client_id],
                norm,
                lambda e: e.client_reference,
            ) or _owner(others, norm, lambda e: e.creditor_reference)
            if owner is not None:
                conflicts.append(
                    f"reference {reference} belongs to {owner.client_id}/{owner.creditor_id}, "
                    f"not {entry.client_id}/{entry.creditor_id}"
                )


def _owner(entries, reference: str, get) -> DirectoryEntry | None:
    for entry in entries:
        if normalize_reference(get(entry)) == reference:
            return entry
    return None


def _similar(similarity: Similarity, left: str | None, right: str | None) -> float:
    if not left or not right:
        return 0.0
    return max(0.0, min(1.0, similarity(left, right)))


def _best_named(similarity, name, entry, others) -> tuple[DirectoryEntry, float] | None:
    best = None
    for other in others:
        if other.client_id == entry.client_id:
            continue
        score = _similar(similarity, name, other.client_name)
        if best is None or score > best[1]:
            best = (other, score)
    return best


def _shared_surname(extraction, entry, others, similarity, evidence, conflicts) -> None:
    """A name that fits another client of the same creditor as well as this one ("Frau
    Schäfer" with two Schäfers at Telekom): only the creditor's own reference or the birth
    date tells them apart. The practice's file number alone does not: creditors quote the
    wrong one, and that is the wrong-client booking the safety rule exists to stop."""
    if not extraction.client_name or CLIENT_NAME in evidence:
        return
    if any(c.startswith(f"the email names {extraction.client_name},") for c in conflicts):
        return  # already named as somebody else
    if {CREDITOR_REFERENCE, CLIENT_BIRTH_DATE} & set(evidence):
        return
    own = _similar(similarity, extraction.client_name, entry.client_name)
    if own < NAME_DIFFERS:
        return  # (a name that differs is a conflict of its own)
    for other in others:
        if (
            other.client_id != entry.client_id
            and _same_creditor(similarity, entry, other)
            and _similar(similarity, extraction.client_name, other.client_name) >= own
        ):
            conflicts.append(
                f"the email names {extraction.client_name}, which fits {other.client_name} at "
                f"the same creditor as well as {entry.client_name}"
            )
            return
