"""The components of a claim (principal, interest, costs): read from labelled amounts, stated
as nothing ("Zinsen: keine"), or the principal derived as what remains of a stated total."""

from __future__ import annotations

import re
from decimal import Decimal

from adapters.rules.amount_kinds import (
    _CONTAINED,
    _COSTS,
    _INTEREST,
    _PRINCIPAL,
    ADDITIONAL,
    CLAIM,
    COMPONENT,
    NONE,
    OFFER,
    REMAINING,
    TOTAL,
)
from adapters.rules.amount_notation import Mention
from adapters.rules.folding import Folded

Spans = dict[str, tuple[int, int]]


_ASIDE_IN_LABEL = re.compile(r"\([^()\n]{0,80}\)")


def read_components(mentions: list[Mention], spans: Spans) -> dict[str, Decimal | None] | None:
    found: dict[str, Decimal] = {}
    for mention in mentions:
        if mention.kind not in (COMPONENT, ADDITIONAL):  # "zzgl. Zinsen 20,00" is one too
            continue
        if part_of_line(mention, mentions):
            continue  # "Kosten (Sperrkosten 25,55 EUR): 37,55 EUR": a part of the line's figure
        # "Kosten (Säumniszuschläge/Mahngebühren): 25,50": the label outside the aside names it
        label = _ASIDE_IN_LABEL.sub(" ", mention.context)
        for name, pattern in (
            ("principal", _PRINCIPAL),
            ("interest", _INTEREST),
            ("costs", _COSTS),
        ):
            if pattern.search(label) or pattern.search(mention.context) and not label.strip():
                if name in ("costs", "interest") and name in found:
                    found[name] += mention.value  # several cost or interest lines add up
                elif name not in found:
                    found[name] = mention.value
                spans.setdefault(name, (mention.start, mention.end))
                break
    return {n: found.get(n) for n in ("principal", "interest", "costs")} if found else None


# "Interest: none", "Zinsen: keine": a component stated as nothing is 0.00, not unknown.
_NOTHING = Folded(
    r"\b(?P<name>zinsen|interest|kosten|costs|fees|gebühren)\s*[:=\-–]?\s*"
    r"(none|keine|entfallen|entfällt|nil|n/a)\b",
)


def stated_none(body: str, components: dict | None, spans: Spans) -> None:
    if not components:
        return
    for match in _NOTHING.finditer(body):
        name = "interest" if _INTEREST.search(match.group("name")) else "costs"
        if components.get(name) is None:
            components[name] = Decimal("0.00")
            spans[name] = (match.start(), match.end())


def derive_principal(
    mentions: list[Mention], total: Mention, components: dict | None, spans: Spans
) -> None:
    """Interest or costs beside a stated total, the principal unlabelled ("Beiträge 690,00 €",
    table rows): the other amounts are the principal when everything adds up to the total."""
    if (
        not components
        or components.get("principal") is not None
        and len([m for m in mentions if m.kind == COMPONENT and _PRINCIPAL.search(m.context)]) < 2
    ):
        return
    labelled = [v for n, v in components.items() if n != "principal" and v is not None]
    labelled_at = {spans.get(n) for n in ("interest", "costs")}
    items = [
        m
        for m in mentions
        if m.value != total.value
        and m.kind in (NONE, CLAIM, COMPONENT, TOTAL, REMAINING)
        and (m.start, m.end) not in labelled_at
        and not (_INTEREST.search(m.context) or _COSTS.search(m.context))
    ]
    principal = sum((m.value for m in items), Decimal("0.00"))
    if items and principal + sum(labelled, Decimal("0.00")) == total.value:
        components["principal"] = principal
        spans["principal"] = (items[0].start, items[-1].end)


# "nebst Zinsen in Höhe von 5 Prozentpunkten über dem Basiszinssatz seit …", "plus interest at
# 8 % a year": interest claimed without a figure, so the items listed are not the whole claim.
_RATE_ONLY = "interest is claimed as a rate, without an amount"
_RUNNING_INTEREST = Folded(
    r"\b(nebst|zzgl\.?|zuzüglich|plus|sowie|together\s+with)\s+([\wäöü]+\s+){0,2}"
    r"(zinsen|interest)\s+(in\s+höhe\s+von\s+|at\s+(a\s+rate\s+of\s+)?)?"
    r"(\d+([,.]\d+)?\s*(%|prozent)|seit\b|ab\s+dem\b|from\b|since\b)",
)


def sum_components(body: str, mentions: list[Mention], by_kind, reading) -> bool:
    """No total stated: a list of labelled items (the claim's items beside interest or
    costs, each on its own line) adds up to the claim. Unlabelled amounts forbid the sum."""
    components = dict(reading.components or {})
    unlabelled = [m for m in by_kind.get(NONE, []) if not part_of_line(m, mentions)]
    if not by_kind.get(COMPONENT) or unlabelled:
        return False
    if any(_CONTAINED.search(m.context) for m in by_kind[COMPONENT]):
        return False  # "darin enthalten": the components are part of a stated figure
    if components.get("interest") is None and (
        _RUNNING_INTEREST.search(body) or _rate_only_line(body, mentions)
    ):
        if _RATE_ONLY not in reading.conflicts:
            reading.conflicts.append(_RATE_ONLY)
        return False  # "nebst Zinsen in Höhe von 5 Prozentpunkten …": the sum is not the claim
    items = by_kind.get(CLAIM, []) + by_kind.get(REMAINING, [])
    if items and components.get("principal") is None:
        if any(_shares_line(m, mentions) for m in items):
            return False
        components["principal"] = sum((m.value for m in items), Decimal("0.00"))
        reading.component_spans["principal"] = (items[0].start, items[-1].end)
        reading.components = components
    stated = [v for v in components.values() if v is not None]
    if components.get("principal") is None or len(stated) < 2:
        return False
    reading.amount = sum(stated, Decimal("0.00"))
    spans = list(reading.component_spans.values())
    reading.span = (min(s for s, _ in spans), max(e for _, e in spans))
    reading.quality, reading.currency = 0.8, mentions[0].currency
    return True


# "2. Zinsen hieraus i. H. v. 5 Prozentpunkten über dem Basiszinssatz seit …": interest
# claimed as a rate on a line of its own, with no figure.
_RATE_LINE = re.compile(
    r"^[^\n]*\b(zinsen|interest)\b[^\n]*(\d\s*(%|prozent)|basiszins|base\s+rate)[^\n]*$",
    re.I | re.M,
)


def _rate_only_line(body: str, mentions: list[Mention]) -> bool:
    lines = {m.line for m in mentions}
    return any(line.start() not in lines for line in _RATE_LINE.finditer(body))


def _shares_line(mention: Mention, mentions: list[Mention]) -> bool:
    """Another figure on the item's line (a unit price "20 Monate à 18,36 Euro" is its own)."""
    return any(
        other is not mention and other.line == mention.line and other.kind != OFFER
        for other in mentions
    )


def part_of_line(mention: Mention, mentions: list[Mention]) -> bool:
    """A figure in parentheses on a line that has its own figure outside them."""
    return mention.aside and any(m.line == mention.line and not m.aside for m in mentions)
