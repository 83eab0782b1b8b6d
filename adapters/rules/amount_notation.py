"""Amount notations (German and English, thin and no-break spaces, "1.234,-", no cents,
bare numbers under a currency header) and each amount's mention with its kind and span."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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
from adapters.rules.amount_phrases import _OLD_AFTER, _OPEN_LABEL, _TOTAL_AFTER
from adapters.rules.clauses import _CLAUSE_BREAK, _clause_after, _clause_start

_SP = "[ \u00a0\u2009\u202f]"
_DE = rf"\d{{1,3}}(?:(?:\.|{_SP})\d{{3}})+(?:,\d{{2}}|,-{{1,2}}|,–)?|\d+,\d{{2}}|\d+,-{{1,2}}"
_EN = r"\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2}"
_INT = r"\d+"
_CURRENCY = r"(?:EUR|Euro|EURO|euro|Eur|€|GBP|£|USD|US-?\$|\$|CHF)"
_EDGE_BEFORE = r"(?<![\d.,])"
_EDGE_AFTER = r"(?![\d]|[.,]\d)"
# With a currency sign the number may be an integer ("200 Euro", "€1,234").
_WITH_CURRENCY = re.compile(
    rf"(?P<c1>{_CURRENCY}){_SP}{{0,8}}-?{_EDGE_BEFORE}(?P<n1>{_DE}|{_EN}|{_INT}){_EDGE_AFTER}"
    rf"|{_EDGE_BEFORE}(?P<n2>{_DE}|{_EN}|{_INT}){_EDGE_AFTER}{_SP}{{0,3}}(?P<c2>{_CURRENCY})(?![A-Za-z])"
)
# Under a currency header (statements of account) a money-shaped number is an amount too.
_BARE = re.compile(rf"{_EDGE_BEFORE}-?(?P<n3>{_DE}|{_EN}){_EDGE_AFTER}(?!{_SP}*%)")
_CURRENCY_HEADER = re.compile(
    rf"((beträge|betrag|angaben|figures|amounts?|summe|saldo|soll|haben|balance)\b[^\n\d]{{0,20}}"
    rf"\(?\s*(in\s+)?{_CURRENCY}\)?|\bin\s+{_CURRENCY}(?![\w])|^\W*{_CURRENCY}\W*$|"
    rf"^[^\d\n]*(?<![\w]){_CURRENCY}(?![\w])[^\d\n]*$|\(\s*{_CURRENCY}\s*\))",
    re.I | re.M,
)
# A table's column header naming money columns ("Datum  Soll  Ist  Rest", "Date | Amount"),
# no digits: the rows below carry bare amounts in the practice's currency.
_COLUMN_HEADER = re.compile(
    r"^(?=[^\d\n]*\b(soll|haben|saldo|betrag|beträge|rest|offen|forderung|amount|debit|credit|"
    r"balance|zahlung)\b)(?=[^\d\n]*(\S\s{2,}\S|\||\t))[^\d\n]+$",
    re.I | re.M,
)
# "Alle Beträge in Euro." / "All amounts in EUR." below a table: its bare amounts are money.
_CURRENCY_NOTE = re.compile(
    rf"\b(alle\s+)?(beträge|angaben|summen|werte|all\s+amounts|all\s+figures|amounts|figures)"
    rf"\s+(sind\s+|verstehen\s+sich\s+|are\s+(stated\s+|shown\s+|given\s+)?)?in\s+"
    rf"(?P<cur>{_CURRENCY})(?![\w])",
    re.I,
)
# Digits grouped by spaces, without cents or a currency sign: an account or reference number.
_CENTS = re.compile(r",\d{2}$")
_DASH_CENTS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,-(?!-?\d)")
_SPACED_WHOLE = re.compile(rf"\d{{1,3}}(?:{_SP}\d{{3}})+")
_INCLUDES = re.compile(
    r"\s*([^\W\d]+\s*){0,2}\([^()]{0,40}?\b(inkl|inklusive|einschl|inc|including)\b", re.I
)
# "Beitragsrückstände einschl. Säumniszuschläge (Stand …):", "ein Rückstand einschließlich
# Säumniszuschlägen in Höhe von": the claim's noun, then what it includes, then the figure.
_INCLUDING_LEAD = re.compile(
    r"(rückst[aä]nd\w*|forderung\w*|saldo|betrag|schulden|balance|amount)\s+(einschl\w*|inkl\w*|"
    r"inklusive|including)\.?\s+(der\s+|aller\s+)?[^\W\d]+(\s*\([^()]*\))?\s*(in\s+höhe\s+von|von|:|of)?\s*$",
    re.I,
)
_CLAIM_PLUS = re.compile(
    r"(forderung|rückstand|saldo|betrag)\w*\b(?:[^.]|\.(?=\S)){0,60}\b(zzgl|zuzüglich|inkl|einschl|plus|nebst)",
    re.I,
)
_CONTINUED = re.compile(r"[ \t]*[a-zäöüß]")  # a hard-wrapped sentence goes on in lower case
_TIMES_AFTER = re.compile(r"\s*[x×*]\s*\d")
_COMPUTATION = re.compile(r"\d+\s*[x×*]\s*\S|[\d.,-]+\s*(?:€|EUR|Euro)?\s*[+=]")
_DATE_LIKE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}/\d{1,2}/\d{2,4}")
_LEADER = re.compile(r"\.{4,}\s*$")  # dot leaders: the label of this row, wrapped from above
_DAY_MONTH = re.compile(r"(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])\.(?!\d)")  # "01.08.–15.11."


@dataclass(frozen=True)
class Mention:
    value: Decimal
    start: int
    end: int
    text: str
    kind: str
    context: str
    currency: str
    line: int = 0
    aside: bool = False  # in parentheses: "(55,08 Euro)" beside the sentence's own figure


def parse_amount(raw: str) -> Decimal | None:
    """'1.234,56' / '1 234,56' / '1,234.56' / '1.234,-' / '1,234' → Decimal."""
    raw = re.sub(_SP, "", raw.strip()).lstrip("-").rstrip("-–").rstrip(",")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{2})?|\d+\.\d{2}", raw):
        normalized = raw.replace(",", "")
    else:
        normalized = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(normalized).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def _currency_code(sign: str | None) -> str:
    sign = (sign or "").upper()
    if sign in ("GBP", "£"):
        return "GBP"
    if "$" in sign or sign == "USD":
        return "USD"
    if sign == "CHF":
        return "CHF"
    return "EUR"


def find_mentions(body: str) -> list[Mention]:
    mentions: list[tuple[int, int, Decimal, str]] = []
    offset = 0
    note = _CURRENCY_NOTE.search(body)
    noted_currency = _currency_code(note.group("cur")) if note else None
    header_currency: str | None = noted_currency
    table_currency = _table_currency(body)
    blank_run = 0
    for line in body.split("\n"):
        taken: list[tuple[int, int]] = []
        for m in _WITH_CURRENCY.finditer(line):
            raw = m.group("n1") or m.group("n2")
            value = parse_amount(raw)
            number_start = m.start("n1") if m.group("n1") else m.start("n2")
            if value is not None and not _DATE_LIKE.match(line, number_start):
                code = _currency_code(m.group("c1") or m.group("c2"))
                mentions.append((offset + m.start(), offset + m.end(), value, code))
                taken.append((m.start(), m.end()))
        inline = _CURRENCY_HEADER.search(line)
        line_currency = header_currency
        if line_currency is None and inline and not taken:
            # "Offener Betrag (Euro)   2.150,00": the label carries the currency.
            line_currency = _currency_code(re.search(_CURRENCY, inline.group(0)).group(0))
        if line_currency is None and table_currency and _TABLE_ROW.match(line):
            line_currency = table_currency  # an aligned row of bare figures in a letter in euros
        cents_only = line_currency is None and bool(taken)
        if cents_only:  # "… noch 212,40 dazu, macht zusammen 2052,40 Euro": the line's currency
            line_currency = mentions[-1][3]
        if line_currency is None and _DASH_CENTS.search(line):
            line_currency = "EUR"  # "920,- offen": the German dash for no cents is a price in euros
        if line_currency is not None:
            for m in _BARE.finditer(line):
                if any(s <= m.start() < e for s, e in taken) or _DATE_LIKE.match(line, m.start()):
                    continue
                if _DATE_LIKE.search(line[max(0, m.start() - 3) : m.end() + 5]) or _DAY_MONTH.match(
                    line, m.start()
                ):
                    continue
                if cents_only and not _CENTS.search(m.group("n3")):
                    continue
                if _SPACED_WHOLE.fullmatch(m.group("n3")):
                    continue  # "Girokonto 9004 117 332": an account number's groups, no figure
                value = parse_amount(m.group("n3"))
                if value is not None:
                    mentions.append((offset + m.start(), offset + m.end(), value, line_currency))
        if inline and not taken:
            header_currency = _currency_code(re.search(_CURRENCY, inline.group(0)).group(0))
        elif _COLUMN_HEADER.search(line):
            header_currency = header_currency or "EUR"  # "Monat | Soll | Haben | Saldo"
        blank_run = blank_run + 1 if not line.strip() else 0
        if blank_run >= 2:
            header_currency = noted_currency
        offset += len(line) + 1
    mentions.sort()
    return [_classify(body, mentions, i) for i in range(len(mentions))]


# "Kapital                11.902,00", "Summe | 1.104,62": a row of a table whose last cell is a
# bare figure with decimal cents, set apart by a run of spaces or a cell border.
_TABLE_ROW = re.compile(
    r"^\s*\S.*?(?:\s{2,}|\s*\|\s*)-?(?:\d{1,3}(?:\.\d{3})+|\d+),\d{2}\s*\|?\s*$"
)


def _table_currency(body: str) -> str | None:
    """The currency of bare table rows: the one currency the letter names elsewhere, when it has
    at least two such rows (a statement pasted under a sentence in euros)."""
    if sum(1 for line in body.split("\n") if _TABLE_ROW.match(line)) < 2:
        return None
    codes = {_currency_code(m.group("c1") or m.group("c2")) for m in _WITH_CURRENCY.finditer(body)}
    return codes.pop() if len(codes) == 1 else None


def _classify(body: str, mentions, index: int) -> Mention:
    start, end, value, currency = mentions[index]
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end == -1 else line_end
    previous_end = mentions[index - 1][1] if index else 0
    opened = body.rfind("(", line_start, start)
    if opened != -1 and previous_end > opened and ")" in body[previous_end:start]:
        previous_end = line_start  # "Kosten (2 x 6,00 EUR, …): 37,55 EUR": the aside is the label's
    lead_start = max(line_start, _clause_start(body, start))
    if lead_start == line_start and _CONTINUED.match(body, line_start):
        # "…Säumniszuschläge von 1 % des\nabgerundeten … (derzeit 20,81 €)": a hard wrap
        above = body[body.rfind("\n", 0, max(line_start - 1, 0)) + 1 : max(line_start - 1, 0)]
        if above.strip() and not re.search(r"[.:;!?]\s*$", above):
            joined = body[: line_start - 1] + " " + body[line_start:]
            lead_start = max(line_start - 1 - len(above), _clause_start(joined, start))
    lead = body[max(lead_start, previous_end) : start]
    if previous_end > max(line_start, _clause_start(body, start)) and "," in lead:
        # "… auf 9.644,70 € beläuft, davon Hauptforderung": the words before the comma
        # belong to the amount before.
        lead = lead[lead.index(",") + 1 :]
    kind = _kind(lead)
    context = lead
    if _INCLUDING_LEAD.search(lead):
        kind = TOTAL
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
        clause = body[max(line_start, _clause_start(body, start)) : end] + _clause_after(body, end)
        if _CHANGE.search(clause):
            kind, context = TOTAL, clause
    if kind in (CLAIM, TOTAL) and _PARTICIPLE_AFTER.match(body, end):
        kind = PAID  # "… insgesamt 450,00 € getilgt": the verb right after makes it a payment
    paid_after = (
        _PAID_AFTER.search(body[end:line_end]) if kind in (CLAIM, TOTAL, REMAINING) else None
    )
    if paid_after:  # "der Restbetrag von 817,45 € ist … eingegangen": the remainder was paid
        kind = REMAINING if paid_after.group("no") else PAID
    if kind == CLAIM and _TOTAL_AFTER.search(body[end:line_end]):
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
    kind = as_rate_or_part(body, start, end, kind, max(line_start, _clause_start(body, start)))
    if kind not in (OLD, PAID, OFFER) and _APPROXIMATE.search(lead):
        kind = APPROXIMATE
    aside = (
        body.rfind("(", line_start, start) > body.rfind(")", line_start, start)
        and ")" in (body[end:line_end])
    )
    return Mention(value, start, end, body[start:end], kind, context, currency, line_start, aside)


_CURRENT_LEAD = re.compile(
    r"\b(aktuell|derzeit|nunmehr|mittlerweile|inzwischen|jetzt|currently|now)\b[^\d]{0,25}$", re.I
)
