"""Amount notations (German and English, thin and no-break spaces, "1.234,-", no cents,
bare numbers under a currency header): every figure in a body with its span and currency.
What each figure is, is read in `mention_kinds`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from adapters.rules.folding import Checked, Folded

_SP = "[ \u00a0\u2009\u202f]"
_DE = rf"\d{{1,3}}(?:(?:\.|{_SP})\d{{3}})+(?:,\d{{2}}|,-{{1,2}}|,–)?|\d+,\d{{2}}|\d+,-{{1,2}}"
_EN = r"\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2}"
_INT = r"\d+"
_CURRENCY = r"(?:EUR|Euro|EURO|euro|Eur|€|GBP|£|USD|US-?\$|\$|CHF)"
_EDGE_BEFORE = r"(?<![\d.,])"
_EDGE_AFTER = r"(?![\d]|[.,]\d)"
# With a currency sign the number may be an integer ("200 Euro", "€1,234").
# (Checked: a text without "EUR", "€", "$" … is not searched.)
_WITH_CURRENCY = Checked(
    rf"(?P<c1>{_CURRENCY}){_SP}{{0,8}}-?{_EDGE_BEFORE}(?P<n1>{_DE}|{_EN}|{_INT}){_EDGE_AFTER}"
    rf"|{_EDGE_BEFORE}(?P<n2>{_DE}|{_EN}|{_INT}){_EDGE_AFTER}{_SP}{{0,3}}(?P<c2>{_CURRENCY})(?![A-Za-z])"
)
# Under a currency header (statements of account) a money-shaped number is an amount too.
_BARE = re.compile(rf"{_EDGE_BEFORE}-?(?P<n3>{_DE}|{_EN}){_EDGE_AFTER}(?!{_SP}*%)")
_CURRENCY_I = _CURRENCY.lower()  # the same under re.I, for the folded patterns
_CURRENCY_HEADER = Folded(
    rf"((beträge|betrag|angaben|figures|amounts?|summe|saldo|soll|haben|balance)\b[^\n\d]{{0,20}}"
    rf"\(?\s*(in\s+)?{_CURRENCY_I}\)?|\bin\s+{_CURRENCY_I}(?![\w])|^\W*{_CURRENCY_I}\W*$|"
    rf"^[^\d\n]*(?<![\w]){_CURRENCY_I}(?![\w])[^\d\n]*$|\(\s*{_CURRENCY_I}\s*\))",
    re.M,
)
# A table's column header naming money columns ("Datum  Soll  Ist  Rest", "Date | Amount"),
# no digits: the rows below carry bare amounts in the practice's currency.
_COLUMN_HEADER = Folded(
    r"^(?=[^\d\n]*\b(soll|haben|saldo|betrag|beträge|rest|offen|forderung|amount|debit|credit|"
    r"balance|zahlung)\b)(?=[^\d\n]*(\S\s{2,}\S|\||\t))[^\d\n]+$",
    re.M,
)
# "Alle Beträge in Euro." / "All amounts in EUR." below a table: its bare amounts are money.
_CURRENCY_NOTE = Folded(
    rf"\b(alle\s+)?(beträge|angaben|summen|werte|all\s+amounts|all\s+figures|amounts|figures)"
    rf"\s+(sind\s+|verstehen\s+sich\s+|are\s+(stated\s+|shown\s+|given\s+)?)?in\s+"
    rf"(?P<cur>{_CURRENCY_I})(?![\w])",
)
# Digits grouped by spaces, without cents or a currency sign: an account or reference number.
_CENTS = re.compile(r",(\d{2}|-{1,2})$")
_DASH_CENTS = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:\.\d{3})+|\d+),-(?!-?\d)")
_SPACED_WHOLE = re.compile(rf"\d{{1,3}}(?:{_SP}\d{{3}})+")
_DATE_PART_BEFORE = re.compile(r"\d{1,2}[./]\d{1,2}[./]$")
_DATE_LIKE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}/\d{1,2}/\d{2,4}")
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


def find_figures(body: str) -> list[tuple[int, int, Decimal, str]]:
    """Every amount in the body as (start, end, value, currency), in order."""
    mentions: list[tuple[int, int, Decimal, str]] = []
    offset = 0
    note = _CURRENCY_NOTE.search(body)
    noted_currency = _currency_code(note.group("cur")) if note else None
    header_currency: str | None = noted_currency
    table_currency = _table_currency(body)
    blank_run = 0
    for line in body.split("\n"):
        taken: list[tuple[int, int]] = []
        position = 0
        while (m := _WITH_CURRENCY.search(line, position)) is not None:
            position = m.end()
            raw = m.group("n1") or m.group("n2")
            value = parse_amount(raw)
            number_start = m.start("n1") if m.group("n1") else m.start("n2")
            if _DATE_PART_BEFORE.search(line, 0, number_start):
                position = number_start + len(raw)  # "to 15/11/2026   EUR   231.25": a year
                continue
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
                if any(s < m.end() and m.start() < e for s, e in taken) or _DATE_LIKE.match(
                    line, m.start()
                ):
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
    return mentions


# "Kapital                11.902,00", "Summe | 1.104,62": a row of a table whose last cell is a
# bare figure with decimal cents, set apart by a run of spaces or a cell border.
_TABLE_ROW = Checked(r"^\s*\S.*?(?:\s{2,}|\s*\|\s*)-?(?:\d{1,3}(?:\.\d{3})+|\d+),\d{2}\s*\|?\s*$")


def _table_currency(body: str) -> str | None:
    """The currency of bare table rows: the one currency the letter names elsewhere, when it has
    at least two such rows (a statement pasted under a sentence in euros)."""
    if sum(1 for line in body.split("\n") if _TABLE_ROW.match(line)) < 2:
        return None
    codes = {_currency_code(m.group("c1") or m.group("c2")) for m in _WITH_CURRENCY.finditer(body)}
    return codes.pop() if len(codes) == 1 else None
