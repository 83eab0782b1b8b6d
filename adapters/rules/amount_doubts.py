"""Doubts about the one amount the rules would book: a figure stated as provisional, a claim
passed on, a payment beside one claim figure that leaves open whether the figure is before or
after it, costs or interest claimed after the total."""

from __future__ import annotations

import re
from decimal import Decimal

from adapters.rules.amount_kinds import (
    _CONTAINED,
    _COSTS,
    _CURRENT,
    _INTEREST,
    _PRINCIPAL,
    CLAIM,
    COMPONENT,
    NONE,
    OLD,
)
from adapters.rules.amount_notation import Mention
from adapters.rules.amount_phrases import ACCOUNTED, PASSED_ON, PROVISIONAL
from adapters.rules.clauses import _CLAUSE_BREAK, _clause_start, sentence_start
from adapters.rules.folding import Folded
from adapters.rules.statements import rows_of

_AMOUNT_NOUN = Folded(
    r"(betrag|forderung(?!s?management)|rückstand|saldo|summe|kontostand|differenz|(aktuelle|abschließende)[rn]?\s+stand|gutschrift|credit\s+note|amount|balance|claim|"
    r"total|figure|difference)",
)
# "Bei Zahlung von 200 €", "gegen eine Einmalzahlung von": a payment offered, not made.
_OFFERED = Folded(
    r"(\bbei\s+(\w+\s+)?(zahlung|eingang|überweisung|begleichung|ausgleich)|\bgegen\b|\bwenn\b|\bfalls\b|\bsofern\b|einmal|vergleich|angebot|bieten|"
    r"\bif\b|\bupon\b|\bagainst\b|\bwould\b|\boffer|\bsettle)",
)
# The same, anywhere in the payment's sentence (a hard wrap may part it from its figure).
_OFFERED_IN_SENTENCE = Folded(
    r"(prepared|willing|ready|bereit)\s+to\s+accept|\bbereit\b|one[- ]off|einmalzahlung|"
    r"vergleichsangebot|settlement\s+offer|\boffer\b",
)
# A balance stated as the one after the payment ("Account balance:" alone may be before it).
_AFTER_PAYMENT = Folded(
    r"(after|following)\s+(this|the|your|that)\s+payment|nach\s+(dieser|der|ihrer|erfolgter)\s+"
    r"(teil)?zahlung|nach\s+verrechnung|nach\s+abzug|neue[rs]?\s+(saldo|kontostand)|new\s+balance",
)
_NOT_YET = Folded(r"\b(noch\s+nicht|nicht|not\s+yet|not)\b")
_BARE_BALANCE = Folded(r"^\W*(account\s+)?(balance|saldo|kontostand)\s*:?\s*$")
PAYMENT_CONFLICT = "a payment is stated beside {} without saying what remains"


def made_payments(payments: list[Mention], body: str) -> list[Mention]:
    """The payments a letter reports as made (not offered ones, "gezahlt: 0,00" none), read
    in their whole sentence: "… is prepared to accept a one-off\npayment of" wraps."""
    return [
        p
        for p in payments
        if p.value > 0
        and not _OFFERED.search(p.context)
        and not _NOT_YET.search(p.context)  # "Die Kaution … hab ich noch nicht verrechnet"
        and not _OFFERED_IN_SENTENCE.search(body, sentence_start(body, p.start) + 1, p.start)
    ]


def payment_unexplained(
    chosen: Mention,
    payments: list[Mention],
    body: str,
    olds: list[Mention] = (),
    tabled: bool = True,
) -> bool:
    """A payment beside one claim figure, no remainder: is the figure before or after it?
    It is after it when it is marked current or after the payment, when a total or balance is
    stated after the payment (a plain "Forderung: …" below it may still be the old figure),
    when an old figure minus the payment gives it, or the letter says the payment is
    accounted for."""
    payments = made_payments(payments, body)
    if not payments:
        return False
    after = chosen.start > max(p.start for p in payments)
    if after and chosen.kind != CLAIM and (tabled or not _BARE_BALANCE.search(chosen.context)):
        return False  # (a bare "Account balance:" under one payment line may be before it)
    if _CURRENT.search(chosen.context) or _AFTER_PAYMENT.search(chosen.context):
        return False
    if old_less_payment(olds, payments, chosen.value):
        return False
    return not ACCOUNTED.search(body)


def old_less_payment(olds: list[Mention], payments: list[Mention], value: Decimal) -> bool:
    """An older figure minus a payment gives `value`, so the payment is in it ("812,40 … nicht
    mehr aktuell, da die Gutschrift (56,81) verrechnet wurde", "vorher warens 520,38 … ne
    gutschrift über 45,-")."""
    return any(old.value - paid.value == value for old in olds for paid in payments)


def provisional(body: str, mentions: list[Mention]) -> str | None:
    """A hedge ("vorläufig", "kann sich noch ändern") in a sentence about an amount."""
    for match in PROVISIONAL.finditer(body):
        start = _clause_start(body, match.start()) - 1  # "zzgl. weiterer" ends no sentence
        end = min(
            i
            for i in (body.find(". ", match.end()), body.find("\n", match.end()), len(body))
            if i >= 0
        )
        sentence = body[start + 1 : end]
        if _AMOUNT_NOUN.search(sentence) or any(start < m.start < end for m in mentions):
            return match.group(0)
    return None


_NOT = Folded(r"\b(nicht|nie|kein\w*|not|never|no)\b")


def passed_on(body: str) -> re.Match | None:
    """A statement that the claim went to another party ("… wurde bisher nicht an ein
    Inkassounternehmen übergeben" says the opposite)."""
    for match in PASSED_ON.finditer(body):
        if not _NOT.search(body, sentence_start(body, match.start()) + 1, match.end()):
            return match
    return None


def added_after(body: str, mentions: list[Mention], total: Mention) -> Mention | None:
    """A cost or interest figure in a sentence after the total ("Zusätzlich fordern wir
    Mahnkosten von 15,00 EUR") is on top of it, unless it is said to be contained or the
    figures after the total are its breakdown."""
    after = [m for m in mentions if m.start > total.end and m.value != total.value]
    before = {m.value for m in mentions if m.start < total.start}
    later = [
        m
        for m in after
        if m.kind == COMPONENT
        and not m.aside
        and m.value not in before  # a repeat is nothing new
        and not _PRINCIPAL.search(m.context)
        and (_INTEREST.search(m.context) or _COSTS.search(m.context))
    ]
    if not later or any(_CONTAINED.search(m.context) for m in after):
        return None
    if any(o.kind == OLD and o.value + later[0].value == total.value for o in mentions):
        return None  # "our previous statement showed 1,363.00; a fee of 25.00 has since been added"
    first = later[0].start
    if _CONTAINED.search(body, max(total.end, sentence_start(body, first)), first):
        return None  # "… 262,50 Euro. Hierin enthalten sind\nSäumniszuschläge von 8,00 Euro."
    if sum((m.value for m in after if m.kind in (COMPONENT, NONE, CLAIM)), Decimal(0)) == (
        total.value
    ):
        return None
    return next((m for m in later if _CLAUSE_BREAK.search(body, total.end, m.start)), None)


# A row of a table or a list: a cell border, a tab, a run of spaces between words and figure,
# or dot leaders. The statement readers decide what rows are; this only tells prose from them.
_ROW_LIKE = re.compile(r"\||\t|\S {2,}\S|\.{4,}|^\s*([-–•*]|\d{1,2}[.)])\s")  # or a list item
_RESTATED = Folded(r",\s*(also|d\.\s?h\.|sprich|insgesamt|zusammen|i\.\s?e\.|that\s+is)\s*$")


_ALTERNATIVE = Folded(r"^[^\d.;]{0,12}\b(bzw|beziehungsweise|oder|or|respectively)\b[^\d;]{0,80}$")


def alternative_figure(body: str, mentions: list[Mention], claim: Mention) -> Mention | None:
    """ "beläuft sich auf 1.210,05 € bzw. nach Berücksichtigung der Gutschrift auf 1.091,55 €":
    the claim and another figure offered as alternatives in one sentence."""
    for mention in mentions:
        if mention.value == claim.value:
            continue
        first, second = sorted((mention, claim), key=lambda m: m.start)
        if _ALTERNATIVE.match(body[first.end : second.start]):
            return mention
    return None


def unexplained_figure(body: str, mentions: list[Mention], claim: Mention) -> Mention | None:
    """A figure in running prose beside the claim whose role the rules could not read (no label
    before it, no verb after it): it may be the real current figure, a payment or an older one,
    so the claim is not certain. Table rows, the rows right above the claim's own line, asides
    in parentheses and the claim's own value are not asked about."""
    rows = rows_of(body, mentions, claim)
    claim_sentence = sentence_start(body, claim.start)
    for index, mention in enumerate(mentions):
        if mention.kind != NONE or mention.value in (claim.value, Decimal("0.00")):
            continue
        if mention.aside or mention in rows:
            continue
        if claim_sentence < mention.start < claim.start:
            continue  # "von den 2.150 € noch 1.550 € offen", "430 plus 300, macht 730": its parts
        previous = mentions[index - 1] if index else None
        if (
            previous is not None
            and sentence_start(body, mention.start) < previous.start
            and _RESTATED.search(body, previous.end, mention.start)
        ):
            continue  # "je 300 Euro gezahlt, also 600 Euro": the figure before, added up
        line_end = body.find("\n", mention.end)
        line = body[mention.line : len(body) if line_end == -1 else line_end]
        if not _ROW_LIKE.search(line):
            return mention
    return None


_OPEN = Folded(
    r"\b(offen|open|outstanding|ausstehend|rückständig)\b|"
    r"\bbesteh(t|en)\b[^.\n]{0,40}\b(rückstand|rückstände|forderung|saldo|betrag)|"
    r"\b(rückstand|forderung|saldo|betrag)\b(?:[^.\n]|\.(?=\d)){0,40}\bbesteh(t|en)\b",
)


def stated_open(body: str, mention: Mention) -> bool:
    """The figure's own sentence says it is open ("… ist ein Betrag von 240,00 € offen")."""
    clause_end = _CLAUSE_BREAK.search(body, mention.end)
    end = clause_end.start() if clause_end else len(body)
    start = max(sentence_start(body, mention.start), body.rfind("\n", 0, mention.start))
    return bool(_OPEN.search(body, start + 1, end))
