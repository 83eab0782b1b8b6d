"""Claude's validated tool input → the same Extraction the rules give, so the same safety rule
applies (domain/safety.py).

- Evidence: each quote is located in the cleaned body (else the subject, else the sender's
  name, as `source`). A quote that cannot be located, or that does not state the value it is
  given for (an amount, a reference), gives no span; a quote for a field left empty is dropped.
- The amount: one whose quote is missing becomes a conflict, so a figure the email does not
  contain is never booked; every doubt (`amount_doubts`, `conflicting_amounts`) is a named
  conflict, as the rules name theirs.
- A payment reported beside a non-zero claim becomes `evidence["payment"]`, which the safety
  rule weighs against the claim on file. A payment whose quote cannot be located is a conflict
  instead: without its span the safety rule could not see it.
- References: a reference the email does not contain (separators and case aside) is dropped,
  never used as evidence for or against a candidate; `other_references` become
  `unlabelled_references` like the rules' further references.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import structlog

from adapters.anthropic.quotes import locate, locate_reference, states_amount, states_reference
from adapters.anthropic.tool_input import AMOUNT_DOUBTS
from domain.extraction import COMPONENT_NAMES, PAYMENT, Extraction, Span
from domain.references import normalize_reference

log = structlog.get_logger("adapters.anthropic.extractor")

_REFERENCES = ("client_reference", "creditor_reference")
_QUOTE_IN_CONFLICT = 80


def extraction_from(
    data: dict[str, Any], body: str, subject: str, sender: str | None, extractor: str
) -> Extraction:
    reply = data["is_creditor_reply"]
    values = _values(data)
    references = {name: _reference(values[name], body, subject, name) for name in _REFERENCES}
    values.update(references)
    amount: Decimal | None = data.get("claim_amount")
    components = _components(data.get("components"))
    values["client_birth_date"] = str(data.get("client_birth_date") or "") or None
    amounts = {"claim_amount": amount}
    amounts.update({f"components.{n}": (components or {}).get(n) for n in COMPONENT_NAMES})
    evidence = _evidence(data["evidence"], values, amounts, body, subject, sender)
    evidence = {k: v for k, v in evidence.items() if (k == "non_reply_reason") != reply}
    conflicts = [f"Claude names disagreeing amounts: {a}" for a in data["conflicting_amounts"]]
    conflicts += [_doubt(d, body, subject) for d in data["amount_doubts"]]
    if amount is not None and amount > 0 and "claim_amount" not in evidence:
        # An amount the email does not contain is never booked.
        conflicts.append(f"the amount {amount} is not quoted from the email")
    payment = (data["evidence"].get(PAYMENT) or "").strip()
    if payment and reply and amount:  # as the rules: a payment beside a claim still open
        span = locate(payment, body, subject)
        if span is not None:
            evidence[PAYMENT] = span
        else:
            conflicts.append(
                f'a payment is reported ("{payment[:_QUOTE_IN_CONFLICT]}") that cannot be '
                "found in the email"
            )
    currency = data.get("currency")
    birth = data.get("client_birth_date")
    return Extraction(
        is_creditor_reply=reply,
        client_name=values["client_name"],
        client_reference=references["client_reference"],
        creditor_name=values["creditor_name"],
        creditor_reference=references["creditor_reference"],
        claim_amount=amount,
        currency=None if amount is None else (currency.strip().upper() if currency else "EUR"),
        confidence=float(data["confidence"]),
        extractor=extractor,
        components=components,
        client_birth_date=birth.isoformat() if birth else None,
        non_reply_reason=None if reply else (data.get("non_reply_reason") or "other"),
        evidence=evidence,
        amount_conflicts=tuple(dict.fromkeys(conflicts)),
        unlabelled_references=_others(data["other_references"], references, body, subject),
    )


def _values(data: dict[str, Any]) -> dict[str, str | None]:
    names = ("client_name", "creditor_name", *_REFERENCES)
    return {name: (data.get(name) or "").strip() or None for name in names}


def _reference(value: str | None, body: str, subject: str, field: str) -> str | None:
    if value is None or locate_reference(value, body, subject) is not None:
        return value
    log.info("claude_reference_not_found", field=field)
    return None


def _components(components: dict[str, Any] | None) -> dict[str, Decimal | None] | None:
    if components is None:
        return None
    picked = {name: components.get(name) for name in COMPONENT_NAMES}
    return picked if any(v is not None for v in picked.values()) else None


def _evidence(quotes, values, amounts, body, subject, sender) -> dict[str, Span]:
    """A span per filled field whose quote stands in the email and states the value."""
    evidence: dict[str, Span] = {}
    for field, quote in quotes.items():
        if field == PAYMENT:
            continue  # weighed with the claim (extraction_from)
        span = locate(quote, body, subject, sender if field == "creditor_name" else None)
        if span is None:
            log.info("claude_evidence_not_found", field=field)
        elif _states(field, span.text, values, amounts):
            evidence[field] = span
        else:
            log.info("claude_evidence_without_value", field=field)
    for field in _REFERENCES:  # the reference itself is its evidence when the quote is missing
        if field not in evidence and values[field]:
            span = locate_reference(values[field], body, subject)
            if span is not None:
                evidence[field] = span
    return evidence


def _states(field: str, text: str, values, amounts) -> bool:
    """The quote carries the value it is given for; a field left empty has no evidence."""
    if field in amounts:
        return amounts[field] is not None and states_amount(text, amounts[field])
    if field not in values:
        return field == "non_reply_reason"  # free text; unknown keys are dropped
    value = values[field]
    if value is None:
        return False
    if field in _REFERENCES:
        return states_reference(text, value)
    if field in ("client_name", "creditor_name"):  # "Hoffmann, Jana" for "Jana Hoffmann"
        return any(w.lower() in text.lower() for w in re.findall(r"\w{2,}", value))
    return True  # a birth date may be written in any form


def _doubt(doubt: dict[str, Any], body: str, subject: str) -> str:
    text = AMOUNT_DOUBTS[doubt["reason"]]
    span = locate(doubt.get("quote") or "", body, subject)
    return f"{text} ({span.text[:_QUOTE_IN_CONFLICT]})" if span is not None else text


def _others(others: list[str], references, body: str, subject: str) -> tuple[str, ...]:
    labelled = {normalize_reference(v) for v in references.values() if v}
    found = []
    for reference in others:
        reference = reference.strip()
        if not normalize_reference(reference) or normalize_reference(reference) in labelled:
            continue
        if locate_reference(reference, body, subject) is None:
            log.info("claude_reference_not_found", field="other_references")
            continue
        found.append(reference)
    return tuple(dict.fromkeys(found))
