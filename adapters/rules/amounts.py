"""Amounts in a creditor's letter: every notation, what each amount is, and which is the claim.

Each amount is read with the label that stands before it in its clause (or, failing that, after
it on the line, or the line above): a total, what remains after a payment, a payment, an older
figure, an offer or instalment, a component (principal, interest, costs), or a plain claim
sentence. The current claim is then chosen by kind, never by position; candidates that disagree
with no clear current one are reported as a conflict instead of guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from adapters.rules.amount_doubts import (
    PAYMENT_CONFLICT,
    added_after,
    alternative_figure,
    made_payments,
    old_less_payment,
    passed_on,
    payment_unexplained,
    provisional,
    stated_open,
    unexplained_figure,
)
from adapters.rules.amount_kinds import (
    _BALANCE,
    _CURRENT,
    ADDITIONAL,
    APPROXIMATE,
    CLAIM,
    COMPONENT,
    NONE,
    OFFER,
    OLD,
    PAID,
    REMAINING,
    TOTAL,
)
from adapters.rules.amount_notation import Mention, parse_amount
from adapters.rules.amount_phrases import ACCOUNTED, PENDING_CHARGES
from adapters.rules.claim_choice import breakdown_differs, current_claim, loose_parts, one_current
from adapters.rules.clauses import _CLAUSE_BREAK, sentence_start
from adapters.rules.components import (
    derive_principal,
    read_components,
    stated_none,
    sum_components,
)
from adapters.rules.mention_kinds import find_mentions
from adapters.rules.statements import balance_of_rows, rows_of, without_subtotals

__all__ = ["AmountReading", "parse_amount", "read_claim"]


@dataclass
class AmountReading:
    """The chosen claim (or None), how sure, where it stands, components and conflicts."""

    amount: Decimal | None = None
    quality: float = 0.0
    span: tuple[int, int] | None = None
    currency: str | None = None
    components: dict[str, Decimal | None] | None = None
    component_spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    payment_span: tuple[int, int] | None = None  # a payment made, stated beside the claim


def read_claim(body: str, settled: tuple[int, int] | None) -> AmountReading:
    mentions = find_mentions(body)
    reading = _read_claim(body, settled, mentions)
    chosen = [m for m in mentions if reading.span and m.start == reading.span[0]]
    if (
        chosen
        and reading.payment_span
        and chosen[0].start > reading.payment_span[0]
        and (
            _BALANCE.search(chosen[0].context)
            or balance_of_rows(body, mentions, chosen) is chosen[0]
            and any(m.start == reading.payment_span[0] for m in rows_of(body, mentions, chosen[0]))
        )
    ):
        reading.payment_span = None  # a statement's balance or total row below its payment rows
    if reading.payment_span and ACCOUNTED.search(_sentence(body, reading.payment_span[0])):
        reading.payment_span = None  # "Die Teilzahlung von 300,00 € ist … bereits berücksichtigt"
    if reading.payment_span and reading.amount is not None:
        paid = [m for m in mentions if m.start == reading.payment_span[0]]
        if old_less_payment([m for m in mentions if m.kind == OLD], paid, reading.amount):
            reading.payment_span = None
    doubt = None
    if chosen and reading.amount and (other := alternative_figure(body, mentions, chosen[0])):
        doubt = f"{other.text} is named as an alternative to {reading.amount}"
    elif chosen and reading.amount and (unread := unexplained_figure(body, mentions, chosen[0])):
        doubt = f"what {unread.text} beside {reading.amount} is, is not clear"
    if doubt:
        reading.conflicts.append(doubt)
        reading.amount = reading.span = reading.currency = None
        reading.quality = 0.0
    return reading


def _sentence(body: str, position: int) -> str:
    start = sentence_start(body, position)
    end = min(
        i for i in (body.find(". ", position), body.find("\n\n", position), len(body)) if i >= 0
    )
    return body[start + 1 : end]


def _read_claim(
    body: str, settled: tuple[int, int] | None, mentions: list[Mention]
) -> AmountReading:
    reading = AmountReading()
    reading.components = read_components(mentions, reading.component_spans)
    stated_none(body, reading.components, reading.component_spans)
    by_kind: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_kind.setdefault(mention.kind, []).append(mention)

    made = made_payments(by_kind.get(PAID, []), body)
    if made:
        reading.payment_span = (made[0].start, made[0].end)
    remaining = by_kind.get(REMAINING, [])
    if settled is not None and any(
        m.start < settled[0] and not _CLAUSE_BREAK.search(body, m.end, settled[0])
        for m in remaining
    ):  # "Die Restschuld von 96,00 EUR ist … erloschen": paid or still open?
        reading.conflicts.append("a remaining amount and a settlement in one sentence")
        return reading
    if settled is not None and not any(m.value > 0 for m in remaining):
        stated_after = [
            m
            for m in mentions
            if m.kind in (TOTAL, CLAIM, NONE) and m.value > 0 and m.start > settled[0]
        ]
        if stated_after:
            reading.conflicts.append(
                f"settled, yet {stated_after[0].value} is stated as open after it"
            )
            return reading
        open_before = [m for m in by_kind.get(TOTAL, []) if m.value > 0 and m.start < settled[0]]
        if open_before and by_kind.get(OFFER):  # an offer's terms, however they are worded
            reading.conflicts.append(
                f"settled only on an offer's terms? {open_before[0].value} is open"
            )
            return reading
        reading.amount, reading.quality, reading.span = Decimal("0.00"), 1.0, settled
        reading.currency = "EUR"
        return reading
    hedge = provisional(body, mentions)
    if hedge is not None:
        reading.conflicts.append(f"the amount is stated as provisional ({hedge})")
        return reading
    if mentions and (pending := PENDING_CHARGES.search(body)) is not None:
        reading.conflicts.append(f"further charges have no figure yet ({pending.group(0)})")
        return reading
    if mentions and (handed := passed_on(body)) is not None:
        reading.conflicts.append(f"the claim was passed on to another party ({handed.group(0)})")
        return reading
    if by_kind.get(APPROXIMATE):
        estimate = by_kind[APPROXIMATE][0]
        reading.conflicts.append(f"an approximate amount is stated ({estimate.text})")
        return reading
    final = [m.start for m in mentions if m.kind in (TOTAL, REMAINING)]
    for further in by_kind.get(ADDITIONAL, []):
        if not final or further.start > max(final):
            reading.conflicts.append(f"a further amount stands beside the claim ({further.text})")
            return reading
    remaining, totals = (
        by_kind.get(REMAINING, []),
        without_subtotals(by_kind.get(TOTAL, []), mentions),
    )
    if not totals and not by_kind.get(PAID) and sum_components(body, mentions, by_kind, reading):
        return reading
    if remaining or totals:
        extras = by_kind.get(ADDITIONAL, []) + by_kind.get(COMPONENT, [])
        first, last = (
            min(m.start for m in remaining + totals),
            max(m.start for m in remaining + totals),
        )
        if any(m.kind == NONE and first < m.start < last for m in mentions):
            extras = []  # unlabelled rows between two totals: no "740 + 5 = 745" explains them
        tabled = balance_of_rows(body, mentions, remaining + totals)
        chosen = tabled or current_claim(remaining, totals, bool(by_kind.get(PAID)), extras)
        # figures in the rows of a statement that adds up to its total are explained by it
        explained = rows_of(body, mentions, tabled) if tabled else []
        claims = [m for m in by_kind.get(CLAIM, []) if m not in explained]
        if chosen is None:
            values = ", ".join(sorted({f"{m.value}" for m in remaining + totals}))
            reading.conflicts.append(f"several open amounts or totals disagree ({values})")
        elif not remaining and payment_unexplained(
            chosen, by_kind.get(PAID, []), body, by_kind.get(OLD, []), tabled is chosen
        ):
            reading.conflicts.append(PAYMENT_CONFLICT.format(chosen.value))
        elif (not by_kind.get(PAID) and any(m.value > chosen.value for m in claims)) or any(
            m.value != chosen.value
            and (_CURRENT.search(m.context) or stated_open(body, m))  # "Summe 820 … offen: 790"
            for m in claims
        ):
            # "415,60 offen … im Mahnverfahren 512,30 geltend gemacht": a larger claim figure
            # can be no part of the total, and no payment explains the difference.
            other = next(m for m in claims if m.value != chosen.value)
            reading.conflicts.append(f"a claim of {other.value} stands beside {chosen.value}")
        elif (added := added_after(body, mentions, chosen)) is not None:
            reading.conflicts.append(f"{added.text} is claimed on top of {chosen.value}")
        elif breakdown_differs(mentions, chosen, reading.components):
            reading.conflicts.append(
                f"principal, interest and costs do not add up to the total {chosen.value}"
            )
        else:
            _choose(reading, chosen, 1.0)
            derive_principal(mentions, chosen, reading.components, reading.component_spans)
        return reading
    if sum_components(body, mentions, by_kind, reading) or reading.conflicts:
        return reading
    if by_kind.get(CLAIM):
        _chosen_or_conflict(reading, by_kind[CLAIM], CLAIM, 0.8)
        chosen = reading.amount
        if chosen is not None and payment_unexplained(
            next(m for m in by_kind[CLAIM] if m.value == chosen), by_kind.get(PAID, []), body
        ):
            reading.amount = reading.span = reading.currency = None
            reading.quality = 0.0
            reading.conflicts.append(PAYMENT_CONFLICT.format(chosen))
        elif chosen is not None and (
            parts := loose_parts(body, by_kind.get(COMPONENT, []), chosen)
        ):
            # "Rundfunkbeiträge: 367,20 Euro / Säumniszuschläge: 24,00 Euro" that did not sum:
            # is the claim figure with or without them?
            reading.amount = reading.span = reading.currency = None
            reading.quality = 0.0
            reading.conflicts.append(f"{parts[0].text} stands beside {chosen} with no total")
        return reading
    loose = by_kind.get(NONE, [])
    # A lone unlabelled figure beside a payment or an older figure: nobody can tell what it is.
    others = any(by_kind.get(kind) for kind in (COMPONENT, PAID, OLD))
    if loose and not others and len({m.value for m in loose}) == 1:
        _choose(reading, loose[0], 0.4)
    return reading


def _chosen_or_conflict(
    reading: AmountReading, candidates: list[Mention], kind: str, quality: float
) -> AmountReading:
    chosen = one_current(candidates)
    if chosen is None:
        values = ", ".join(sorted({f"{m.value}" for m in candidates}))
        reading.conflicts.append(f"several {kind} amounts disagree ({values})")
    else:
        _choose(reading, chosen, quality)
    return reading


def _choose(reading: AmountReading, mention: Mention, quality: float) -> None:
    reading.amount, reading.quality = mention.value, quality
    reading.span, reading.currency = (mention.start, mention.end), mention.currency
