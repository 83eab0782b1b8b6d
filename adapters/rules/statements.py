"""A statement of account pasted as rows. Its last total is the current claim when the table
explains it: the rows above add up to it (payments counted negative), or a running balance
column ends on it with every step adding up, or it is the sum of the column sums on the row
above. Whatever the first row is called ("Gesamtfälligstellung", "Saldo nach Kündigung")."""

from __future__ import annotations

import re
from decimal import Decimal

from adapters.rules.amount_kinds import COMPONENT, OLD, PAID
from adapters.rules.amount_notation import Mention
from adapters.rules.folding import Folded

_SEPARATOR = re.compile(r"^[\s\-=_|+]*$")
_MIN_ROWS = 3

Row = list[Mention]  # the figures on one line, left to right


def balance_of_rows(
    body: str, mentions: list[Mention], candidates: list[Mention]
) -> Mention | None:
    """The last candidate, when the rows above it explain it; else None."""
    if not candidates:
        return None
    last = max(candidates, key=lambda m: m.start)
    on_line = _figures(mentions, last.line)
    if on_line[-1] is not last and on_line[0] is not last:
        return None  # a row's value cell, or the first figure of the sentence below a table
    rows = _rows_above(body, mentions, last.line)
    if not rows:
        return None
    # A figure outside the table that differs (the sentence against the table) still conflicts.
    in_table = {id(m) for row in rows for m in row}
    outside = [m for m in candidates if m is not last and id(m) not in in_table]
    if any(m.value != last.value for m in outside):
        return None
    if _cells_add_up(body, rows, last) or _running_balance(body, rows, last):
        return last
    nearest = rows[0]
    if len(nearest) >= 2 and sum((m.value for m in nearest), Decimal("0.00")) == last.value:
        return last  # "Summe 2.225,00 143,50" over "Gesamtrückstand 2.368,50"
    if len(nearest) == 2 and nearest[0].value - nearest[1].value == last.value:
        return last  # "Summe | 749,95 | 45,00" (Soll, Haben) over "Offener Saldo | 704,95"
    return None


def rows_of(body: str, mentions: list[Mention], last: Mention) -> list[Mention]:
    """Every figure in the rows above a statement's total."""
    return [m for row in _rows_above(body, mentions, last.line) for m in row]


def _rows_above(body: str, mentions: list[Mention], line: int) -> list[Row]:
    """The figure rows right above a line, nearest first; separators are skipped, one blank
    line between the table and its sum row is allowed."""
    rows: list[Row] = []
    blank_allowed = True
    while line > 0:
        line = body.rfind("\n", 0, line - 1) + 1
        text = body[line : body.find("\n", line)]
        figures = _figures(mentions, line)
        if figures:
            rows.append(figures)
            blank_allowed = False
        elif not text.strip() and blank_allowed:
            blank_allowed = False
        elif not (text.strip() and _SEPARATOR.match(text)):
            break
    return rows


def _cells_add_up(body: str, rows: list[Row], last: Mention) -> bool:
    cells = [row[-1] for row in rows]
    while len(cells) >= _MIN_ROWS:
        if sum((_signed(body, m) for m in cells), Decimal("0.00")) == last.value:
            return True
        if cells[-1].kind != OLD:
            return False
        cells = cells[:-1]  # "ursprünglicher Nettokreditbetrag" above the rows that add up
    return False


def _running_balance(body: str, rows: list[Row], last: Mention) -> bool:
    """Rows of (amount, balance), top-down: each balance is the one before plus the amount."""
    table = list(reversed(rows))
    if len(table) < 2 or any(len(row) < 2 for row in table) or table[-1][-1].value != last.value:
        return False
    return all(
        row[-1].value == before[-1].value + _signed(body, row[-2])
        for before, row in zip(table, table[1:], strict=False)
    )


def _figures(mentions: list[Mention], line: int) -> Row:
    return [m for m in mentions if m.line == line]


def _signed(body: str, mention: Mention) -> Decimal:
    before = body[max(0, mention.start - 2) : mention.start]
    negative = mention.kind == PAID or mention.text.lstrip().startswith(("-", "−")) or "-" in before
    return -mention.value if negative else mention.value


# "Zwischensumme", "Summe Kosten", "Summe Steuern": a subtotal, a part of the grand total below.
_SUBTOTAL = Folded(
    r"(zwischensumme|teilsumme|summe\s+(der\s+)?(kosten|zinsen|steuern|abgaben|nebenforderungen|"
    r"gebühren|auslagen|hauptforderung\w*)|sub-?total)",
)


def without_subtotals(totals: list[Mention], mentions: list[Mention] = ()) -> list[Mention]:
    """The totals without the subtotals above a grand total (and the block figures that equal
    one of them, "Saldo 387,61" over "Zwischensumme 387,61"): parts, not competing totals.
    A total that, with the component rows between it and the last total, adds up to the last
    one is a subtotal too ("zusammen 384,50", "Säumniszuschläge 19,00", "Gesamtbetrag 403,50")."""
    if len(totals) >= 2:
        last = max(totals, key=lambda m: m.start)
        totals = [m for m in totals if m is last or not _adds_up_to(m, last, mentions)]
    grand = [m for m in totals if not _SUBTOTAL.search(m.context)]
    if not grand or len(grand) == len(totals):
        return totals
    last = max(grand, key=lambda m: m.start)
    parts = [
        m
        for m in totals
        if _SUBTOTAL.search(m.context) and m.start < last.start and m.value <= last.value
    ]
    values = {m.value for m in parts}
    return [
        m
        for m in totals
        if m not in parts and (m is last or m.start > last.start or m.value not in values)
    ]


def _adds_up_to(part: Mention, last: Mention, mentions: list[Mention]) -> bool:
    between = [m for m in mentions if part.start < m.start < last.start]
    return (
        part.start < last.start
        and bool(between)
        and all(m.kind == COMPONENT for m in between)
        and part.value + sum((m.value for m in between), Decimal("0.00")) == last.value
    )
