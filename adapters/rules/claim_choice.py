"""Which of several candidate figures is the one current claim: a total beside the parts that
explain it, a running balance's last row, the remainder after a payment, or none when they
disagree unexplained; components that do not add up to the total; parts stated as a claim's
breakdown."""

from __future__ import annotations

from decimal import Decimal

from adapters.rules.amount_kinds import _BALANCE, _CONTAINED, _CURRENT, COMPONENT
from adapters.rules.amount_notation import Mention
from adapters.rules.amount_phrases import PARTS_MARKER
from adapters.rules.clauses import sentence_start
from adapters.rules.components import part_of_line

__all__ = ["breakdown_differs", "current_claim", "loose_parts", "one_current"]


def loose_parts(body: str, components: list[Mention], claim: Decimal) -> list[Mention]:
    """Components not stated as the claim's breakdown ("Das sind …", "davon …") and not adding
    up to it ("255,00 EUR offen (Hundesteuer 240,00 EUR, Mahngebühr 15,00 EUR)")."""
    parts = [m for m in components if m.value]
    if parts and sum((m.value for m in parts), Decimal("0.00")) == claim:
        return []
    return [
        m
        for m in parts
        if not m.aside  # "194,85 € offen (inkl. 15,00 € Mahngebühren)"
        and not _CONTAINED.search(body, max(0, m.start - 30), m.start)
        and not PARTS_MARKER.search(body, sentence_start(body, m.start) + 1, m.start)
    ]


def current_claim(
    remaining: list[Mention], totals: list[Mention], payment_stated: bool, extras: list[Mention]
) -> Mention | None:
    """One clear current figure, or None when the candidates disagree unexplained."""
    candidates = remaining + totals
    last = max(candidates, key=lambda m: m.start)
    earlier = {m.value for m in candidates if m.value != last.value}
    added = sum((m.value for m in extras if m.start < last.start), Decimal("0.00"))
    if earlier and added and sum(earlier, Decimal("0.00")) + added == last.value:
        return last  # "beträgt 740,00 € zzgl. Mahngebühren 5,00 €, insgesamt 745,00 €"
    if (
        len({m.value for m in candidates}) > 1
        and len({m.value for m in candidates if not m.aside}) == 1
    ):
        candidates = [m for m in candidates if not m.aside]  # "(55,08 Euro)" is an aside
    if len({m.value for m in candidates}) == 1:
        return candidates[0]
    current = [m for m in candidates if _CURRENT.search(m.context)]
    if len({m.value for m in current}) == 1:
        others = {m.value for m in candidates if m.value != current[0].value}
        # "334,20 left, then an invoice of 39,99: currently 374,19" explains itself.
        if sum(others, Decimal("0.00")) == current[0].value:
            return current[0]
    # A statement's running balance: the last balance row is the current one, provided every
    # other kind of total agrees with it (a "Summe" that disagrees is still a conflict).
    # A figure marked current ("is now …") that is not that last row makes it no running balance.
    balances = sorted((m for m in candidates if _BALANCE.search(m.context)), key=lambda m: m.start)
    if (
        len(balances) >= 2
        and all(m.value == balances[-1].value for m in candidates if m not in balances)
        and all(m.value == balances[-1].value for m in current)
    ):
        return balances[-1]
    # A payment beside what remains: the remainder is the claim, the total the old one.
    if (
        payment_stated
        and len({m.value for m in remaining}) == 1
        and all(m.value >= remaining[0].value for m in totals)
    ):
        return remaining[0]
    return None


def breakdown_differs(mentions: list[Mention], total: Mention, components) -> bool:
    """All three components labelled, nothing else listed, and their sum is not the total."""
    if not components or any(components.get(n) is None for n in ("principal", "interest", "costs")):
        return False
    rest = [
        m
        for m in mentions
        if m is not total and m.value != total.value and not part_of_line(m, mentions)
    ]
    stated = sum((m.value for m in rest), Decimal("0.00"))
    return bool(rest) and all(m.kind == COMPONENT for m in rest) and stated != total.value


def one_current(candidates: list[Mention]) -> Mention | None:
    if len({m.value for m in candidates if not m.aside}) == 1:
        candidates = [m for m in candidates if not m.aside]  # "(55,08 Euro)" is an aside
    values = {m.value for m in candidates}
    if len(values) == 1:
        return candidates[0]
    current = [m for m in candidates if _CURRENT.search(m.context)]
    if current and len({m.value for m in current}) == 1:
        return current[0]
    return None
