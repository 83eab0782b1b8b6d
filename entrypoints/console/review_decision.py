"""Turns the review form into a call of the review use case (SPEC §8, DecideReview)."""

from __future__ import annotations

from typing import Any

from domain.decisions import COMPONENTS, InvalidDecision, MatchDecision, parse_amount
from domain.users import Principal

COMPONENT_LABELS = {"principal": "Hauptforderung", "interest": "Zinsen", "costs": "Kosten"}
_FIELD_LABELS = {
    "claim_amount": "Forderung",
    "currency": "Währung",
    "client_id": "Mandant",
    "creditor_id": "Gläubiger",
    "components": "Bestandteile",
}


def german_amount(raw: str) -> str:
    """ "1.234,56" or "812,40" as typed in Germany → "1234.56"; "812.40" stays as it is."""
    text = (raw or "").strip().replace(" ", "").replace("€", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return text


def parse_match(form) -> MatchDecision:
    """The match decision the form describes; InvalidDecision names the wrong field."""
    client_id, sep, creditor_id = (form.get("pair") or "").partition("|")
    if not sep:
        raise InvalidDecision("client_id", "Bitte einen Kandidaten oder Suchtreffer wählen.")
    components = {}
    for name in COMPONENTS:
        raw = german_amount(form.get(f"component_{name}", ""))
        if raw:
            components[name] = parse_amount(raw, f"components.{name}")
    return MatchDecision(
        client_id=client_id,
        creditor_id=creditor_id,
        claim_amount=parse_amount(german_amount(form.get("claim_amount", ""))),
        currency=(form.get("currency") or "EUR").strip().upper(),
        components=components,
        remember=form.get("remember") == "1",
    )


def decision_message(exc: InvalidDecision) -> str:
    label = _FIELD_LABELS.get(exc.field.split(".")[0], exc.field)
    if exc.field.startswith("components."):
        label = COMPONENT_LABELS.get(exc.field.split(".", 1)[1], label)
    return f"{label}: {exc.message}"


def decide(container: Any, job_id: str, form, principal: Principal) -> None:
    """Records the decision. Raises InvalidDecision, NotReviewable, JobNotFound."""
    note = (form.get("note") or "").strip()[:1000] or None
    decision = None if form.get("action") == "not_creditor_reply" else parse_match(form)
    container.decide_review()(job_id, decision, principal, note=note)
