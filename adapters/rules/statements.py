"""A statement of account pasted as rows: when the rows above its last balance add up to it
(payments counted negative), that balance is the current claim, whatever the first row is
called ("Gesamtfälligstellung", "Saldo bei Kündigung")."""

from __future__ import annotations

import re
from decimal import Decimal

from adapters.rules.amount_kinds import PAID
from adapters.rules.amount_notation import Mention

_SEPARATOR = re.compile(r"^[\s\-=_|+]*$")
_MIN_ROWS = 3


def balance_of_rows(
    body: str, mentions: list[Mention], candidates: list[Mention]
) -> Mention | None:
    """The last candidate, when it ends a run of adjacent rows that sum to it; else None."""
    if not candidates:
        return None
    last = max(candidates, key=lambda m: m.start)
    if _value_cell(mentions, last.line) is not last:
        return None
    rows: list[Mention] = []
    line = last.line
    while line > 0:
        line = body.rfind("\n", 0, line - 1) + 1
        text = body[line : body.find("\n", line)]
        cell = _value_cell(mentions, line)
        if cell is None:
            if _SEPARATOR.match(text) and text.strip():
                continue  # "--------" between the rows and the sum
            break
        rows.append(cell)
    if len(rows) < _MIN_ROWS:
        return None
    total = sum((-r.value if _negative(body, r) else r.value for r in rows), Decimal("0.00"))
    # A figure outside the table that differs (the sentence against the table) still conflicts.
    outside = [m for m in candidates if m is not last and m not in rows]
    if total != last.value or any(m.value != last.value for m in outside):
        return None
    return last


def _value_cell(mentions: list[Mention], line: int) -> Mention | None:
    """The last figure on a line: a row's amount column."""
    on_line = [m for m in mentions if m.line == line]
    return on_line[-1] if on_line else None


def _negative(body: str, mention: Mention) -> bool:
    before = body[max(0, mention.start - 2) : mention.start]
    return mention.kind == PAID or mention.text.lstrip().startswith(("-", "−")) or "-" in before
