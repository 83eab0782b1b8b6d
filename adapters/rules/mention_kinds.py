"""What each figure in a creditor's letter is: read from the words before it in its clause
(across a hard wrap), after it, or on the line above, with the rules of `amount_kinds`."""

from __future__ import annotations

import re

from adapters.rules.amount_kinds import (
    _APPROXIMATE,
    _CHANGE,
    _CONTAINED,
    _LABEL_AFTER,
    _PAID_AFTER,
    _PART_OF,
    _PARTICIPLE_AFTER,
    APPROXIMATE,
    CLAIM,
    COMPONENT,
    NONE,
    OFFER,
    OLD,
    PAID,
    REMAINING,
    TOTAL,
    _kind,
    _kind_excluding,
    as_rate_or_part,
)
from adapters.rules.amount_notation import _BARE, _WITH_CURRENCY, Mention, find_figures
from adapters.rules.amount_phrases import _OLD_AFTER, _OPEN_LABEL, _TOTAL_AFTER
from adapters.rules.clauses import _CLAUSE_BREAK, _clause_after, _clause_start
from adapters.rules.folding import Folded

__all__ = ["Mention", "find_mentions"]

_INCLUDES = Folded(r"\s*([^\W\d]+\s*){0,2}\([^()]{0,40}?\b(inkl|inklusive|einschl|inc|including)\b")
# "Beitragsrückstände einschl. Säumniszuschläge (Stand …):", "ein Rückstand einschließlich
# Säumniszuschlägen in Höhe von": the claim's noun, then what it includes, then the figure.
_INCLUDING_LEAD = Folded(
    r"(rückst[aä]nd\w*|forderung\w*|saldo|betrag|schulden|balance|amount)\s+(einschl\w*|inkl\w*|"
    r"inklusive|including)\.?\s+(der\s+|aller\s+)?[^\W\d]+(\s*\([^()]*\))?\s*(in\s+höhe\s+von|von|:|of)?\s*$|"
    # "… betragen einschließlich Säumniszuschlägen und Vollstreckungskosten 2.418,37 €"
    r"\b(betragen|beträgt|belaufen\s+sich|beläuft\s+sich)\s+(einschl\w*|inkl\w*|inklusive)\.?\s+[^\d]{0,80}$",
)
_CLAIM_PLUS = Folded(
    r"(forderung|rückstand|saldo|betrag)\w*\b(?:[^.]|\.(?=\S)){0,60}\b(zzgl|zuzüglich|inkl|einschl|plus|nebst)",
)
# a line that ends inside its phrase: the next line goes on with it
_OPEN_END = Folded(r"\b(einschließlich|inklusive|zuzüglich|und|von|über|der|die|des)\s*$")
_CONTINUED = re.compile(r"[ \t]*[a-zäöüß]")  # a hard-wrapped sentence goes on in lower case
# "Der Gesamtsaldo des Kredits einschließlich der noch nicht fälligen Raten beläuft sich auf"
_GRAND_TOTAL_LEAD = Folded(
    r"\bgesamt(saldo|forderung|betrag|schuld|summe)\b[^\d]{0,80}\b(beläuft\s+sich\s+auf|beträgt)\s*$",
)
_QUANTIFIED_AT = Folded(r"\bbeziffer\w*\b[^\d]{0,100}\bauf\s*$")
_ACCEPT_AFTER = Folded(
    r"[^\d.;\n]{0,30}?\b(zu\s+akzeptieren|anzunehmen|zu\s+begnügen|zufrieden\s+zu\s+geben|"
    r"als\s+vergleich|in\s+full\s+and\s+final\s+settlement)\b",
)
_TIMES_AFTER = re.compile(r"\s*[x×*]\s*\d")
_COMPUTATION = re.compile(
    r"\d+\s*(?:[^\W\d]+\s+)?(?:[x×*]|à|je)\s*\S|[\d.,-]+\s*(?:€|EUR|Euro)?\s*[+=]"
)
_LEADER = re.compile(r"\.{4,}\s*$")  # dot leaders: the label of this row, wrapped from above


def find_mentions(body: str) -> list[Mention]:
    figures = find_figures(body)
    return [_classify(body, figures, i) for i in range(len(figures))]


def _classify(body: str, mentions, index: int) -> Mention:
    start, end, value, currency = mentions[index]
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end == -1 else line_end
    previous_end = mentions[index - 1][1] if index else 0
    opened = body.rfind("(", line_start, start)
    if opened != -1 and previous_end > opened and ")" in body[previous_end:start]:
        previous_end = line_start  # "Kosten (2 x 6,00 EUR, …): 37,55 EUR": the aside is the label's
    clause_start = max(line_start, _clause_start(body, start))  # computed once per mention
    lead_start = clause_start
    if lead_start == line_start and (
        _CONTINUED.match(body, line_start)
        or _OPEN_END.search(body, max(line_start - 40, 0), max(line_start - 1, 0))
    ):
        # "…Säumniszuschläge von 1 % des\nabgerundeten … (derzeit 20,81 €)": a hard wrap
        above = body[body.rfind("\n", 0, max(line_start - 1, 0)) + 1 : max(line_start - 1, 0)]
        if above.strip() and not re.search(r"[.:;!?]\s*$", above):
            window = max(0, start - 200)  # the clause start is looked for 160 characters back
            joined = body[window : line_start - 1] + " " + body[line_start:start]
            lead_start = max(
                line_start - 1 - len(above), window + _clause_start(joined, start - window)
            )
    lead = body[max(lead_start, previous_end) : start]
    if previous_end > clause_start and "," in lead:
        # "… auf 9.644,70 € beläuft, davon Hauptforderung": the words before the comma
        # belong to the amount before.
        lead = lead[lead.index(",") + 1 :]
    opened_in_lead = lead.rfind("(")
    if (
        opened_in_lead != -1
        and ")" not in lead[opened_in_lead:]
        and lead[opened_in_lead + 1 :].strip()
    ):
        lead = lead[opened_in_lead + 1 :]  # "255,00 EUR offen (Hundesteuer 2026 240,00 EUR, …)"
    kind = _kind(lead)
    context = lead
    if (
        _INCLUDING_LEAD.search(lead)
        or _QUANTIFIED_AT.search(lead)
        or _GRAND_TOTAL_LEAD.search(lead)
    ):
        kind = TOTAL  # "beziffern wir die Forderung … aus Mieten und Nebenkosten auf"
    if kind in (CLAIM, TOTAL, NONE) and _ACCEPT_AFTER.match(body, end):
        kind = OFFER  # "… einen Betrag von 3.500,00 € zu akzeptieren": what they would take
    if _TIMES_AFTER.match(body, end):
        kind = OFFER  # "Monatsbeitrag 15,50 € x 12 = 186,00 €": a unit price, like "à 15,50 €"
    if lead.rstrip().endswith("="):
        # "Bisher aufgerechnet: 5 x 56,30 € = 281,50 €", "Mieten Juli bis Oktober, 4 x 460,- =":
        # the result of a computation is what the line's label before the computation says
        text = lead
        if re.fullmatch(r"[\s)=]*", lead):  # the clause of the computation's first figure
            text = body[max(line_start, _clause_start(body, mentions[index - 1][0])) : start]
        label = _COMPUTATION.split(text, maxsplit=1)[0].rstrip(" =")
        kind, context = _kind(label), label
    label_after = _LABEL_AFTER.match(body, end, line_end)
    if label_after and kind in (CLAIM, TOTAL, NONE, COMPONENT):
        kind, context = COMPONENT, label_after.group("label")
    if kind == COMPONENT and _PART_OF.search(lead):
        # "davon 120,00 € bezahlt": the part of it that was paid.
        phrase = re.split(r"[,;.]", body[end:line_end], maxsplit=1)[0]
        if _kind(phrase[:40]) == PAID:
            kind, context = PAID, phrase
    if kind == NONE:
        # "300 € überwiesen": the words right after the amount, up to its clause's end.
        next_start = mentions[index + 1][0] if index + 1 < len(mentions) else len(body)
        tail = body[end : min(line_end, next_start)]
        clause_end = _CLAUSE_BREAK.search(tail) or re.search(r"\.\s", tail)  # ". also offen"
        tail = tail[: clause_end.start() if clause_end else len(tail)]
        if _INCLUDES.match(tail):
            kind, context = TOTAL, tail  # "629,30 EUR (inkl. Säumniszuschläge)": it includes them
        elif _CONTAINED.search(tail):
            kind, context = COMPONENT, tail
        elif end + len(tail) < next_start or next_start >= line_end:
            own = tail.split(",")[0]  # "… was credited, leaving the balance": up to the comma
            kind, context = (
                (_kind(own[:40]), own) if _kind(own[:40]) != NONE else (_kind(tail[:40]), tail)
            )
        elif "," in tail:
            # "100,00 € gezahlt, es sind noch …": the words up to the comma are this amount's.
            phrase = tail[: tail.index(",")]
            kind, context = _kind(phrase), phrase
    if kind == NONE and index == 0 or kind == NONE and mentions[index - 1][1] < line_start:
        # "Gesamtforderung:" on the line above its amount (letters, tables).
        above_end = max(line_start - 1, 0)
        if not body[body.rfind("\n", 0, above_end) + 1 : above_end].strip():
            above_end = max(body.rfind("\n", 0, above_end), 0)  # one blank line between
        above_start = body.rfind("\n", 0, above_end) + 1
        above = body[above_start:above_end]
        below_end = body.find("\n", line_end + 1)
        below = body[line_end + 1 : len(body) if below_end == -1 else below_end]
        # "Offen sind:" over a column of bare amounts labels none of them alone.
        below_amount = _WITH_CURRENCY.search(below) or _BARE.search(below)
        # ("Vollstreckungskosten:  42,00 €" below is a labelled line of its own: no column)
        own_label = below_amount and re.fullmatch(
            r"\s*[^\W\d][^:|]{2,60}:\s*", below[: below_amount.start()]
        )
        listed = bool(below_amount) and not own_label and _kind(below[:12]) == NONE
        listed = listed and not _LEADER.search(body, line_start, start)  # "(…) ....... 1.286,40"
        if not listed and not _WITH_CURRENCY.search(above) and not _BARE.search(above):
            kind = _kind(above)
            context = above
            wrapped = body[
                body.rfind("\n", 0, max(above_start - 1, 0)) + 1 : max(above_start - 1, 0)
            ]
            if kind == NONE and wrapped.strip() and not re.search(r"[.:;!?]\s*$", wrapped):
                context = f"{wrapped} {above}"  # "beträgt der Rückstand auf dem\nSteuerkonto zum …"
                kind = _kind(context) if _OPEN_LABEL.search(context) else NONE
        elif not listed and _OPEN_LABEL.search(above):
            # "…; der aktuelle Saldo per 18.11.2026 beträgt" ending a line that also holds an
            # earlier amount: the sentence goes on with this amount on the next line.
            last = [m.end() for m in _WITH_CURRENCY.finditer(above)][-1:] or [0]
            segment = re.split(r";|\.\s+(?=[A-ZÄÖÜ])", above[last[0] :])[-1]
            kind, context = _kind(segment), segment
    if kind == NONE and re.search(r"\b(auf|to)\s*$", lead):
        # "reduziert sich von 3.260,00 EUR auf 2.760,00 EUR", "hat sich auf 334,20 EUR
        # reduziert": the figure it changed to.
        clause = body[clause_start:end] + _clause_after(body, end)
        if _CHANGE.search(clause):
            kind, context = TOTAL, clause
    if kind in (CLAIM, TOTAL) and _PARTICIPLE_AFTER.match(body, end):
        kind = PAID  # "… insgesamt 450,00 € getilgt": the verb right after makes it a payment
    paid_after = (
        _PAID_AFTER.search(body[end:line_end]) if kind in (CLAIM, TOTAL, REMAINING) else None
    )
    if paid_after:  # "der Restbetrag von 817,45 € ist … eingegangen": the remainder was paid
        kind = REMAINING if paid_after.group("no") else PAID
    if kind in (CLAIM, NONE) and _TOTAL_AFTER.search(body[end:line_end]):
        kind = TOTAL
    if kind == COMPONENT and _TOTAL_AFTER.search(body[end:line_end]) and _CLAIM_PLUS.search(lead):
        kind = TOTAL  # "die Forderung … zzgl. Mahn- und Sperrkosten derzeit 1.189,30 € beträgt"
    alone = not body[line_start:start].strip() and body[end:line_end].strip() in ("", ".")
    if (
        kind in (NONE, COMPONENT, CLAIM)
        and alone
        and _TOTAL_AFTER.search(body[line_end + 1 : line_end + 40])
    ):
        kind = TOTAL  # "… auf\n3.412,00 €\nbeläuft.": the verb on the line below
    if kind in (NONE, PAID) and _CURRENT_LEAD.search(lead.rsplit(",", 1)[-1]):
        kind = CLAIM  # "…, aktuell sind es 812,40 EUR", "keine Miete gezahlt, es sind jetzt …"
    if kind in (TOTAL, CLAIM, REMAINING, NONE) and _OLD_AFTER.search(_clause_after(body, end)):
        kind = OLD
    if kind in (TOTAL, CLAIM) and _kind_excluding(lead, (TOTAL, CLAIM)) == OLD:
        kind = OLD
    kind = as_rate_or_part(body, start, end, kind, clause_start)
    if kind not in (OLD, PAID, OFFER) and _APPROXIMATE.search(lead):
        kind = APPROXIMATE
    aside = (
        body.rfind("(", line_start, start) > body.rfind(")", line_start, start)
        and ")" in (body[end:line_end])
    )
    return Mention(value, start, end, body[start:end], kind, context, currency, line_start, aside)


_CURRENT_LEAD = Folded(
    r"\b(aktuell|derzeit|nunmehr|mittlerweile|inzwischen|jetzt|currently|now)\b[^\d]{0,25}$"
)
