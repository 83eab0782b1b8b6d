"""The components of a claim (principal, interest, costs): read from labelled amounts, stated
as nothing ("Zinsen: keine"), or the principal derived as what remains of a stated total."""

from __future__ import annotations

import re
from decimal import Decimal

from adapters.rules.amount_kinds import (
    _COSTS,
    _INTEREST,
    _PRINCIPAL,
    ADDITIONAL,
    CLAIM,
    COMPONENT,
    NONE,
    REMAINING,
    TOTAL,
)
from adapters.rules.amount_notation import Mention

Spans = dict[str, tuple[int, int]]


def read_components(mentions: list[Mention], spans: Spans) -> dict[str, Decimal | None] | None:
    found: dict[str, Decimal] = {}
    for mention in mentions:
        if mention.kind not in (COMPONENT, ADDITIONAL):  # "zzgl. Zinsen 20,00" is one too
            continue
        for name, pattern in (
            ("principal", _PRINCIPAL),
            ("interest", _INTEREST),
            ("costs", _COSTS),
        ):
            if pattern.search(mention.context):
                if name == "costs" and name in found:
                    found[name] += mention.value  # several cost lines add up
                elif name not in found:
                    found[name] = mention.value
                spans.setdefault(name, (mention.start, mention.end))
                break
    return {n: found.get(n) for n in ("principal", "interest", "costs")} if found else None


# "Interest: none", "Zinsen: keine": a component stated as nothing is 0.00, not unknown.
_NOTHING = re.compile(
    r"\b(?P<name>zinsen|interest|kosten|costs|fees|gebühren)\s*[:=\-–]?\s*"
    r"(none|keine|entfallen|entfällt|nil|n/a)\b",
    re.I,
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
