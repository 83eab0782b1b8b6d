"""Finding what Claude quotes in the email. A span is only ever the email's own text at the
offsets given: a quote that cannot be found, or that does not state the value it is given for,
gives no span at all (never a near miss)."""

from __future__ import annotations

import re
from decimal import Decimal

from domain.extraction import Span
from domain.references import normalize_reference

# A number as written: digits joined by separators (1.234,56 / 1 234,56 / 1,234.56 / 1.234,-).
_NUMBER = re.compile(r"\d(?:[.,'\u00a0\u2009\u202f]?\d| (?=\d{3}(?!\d)))*")
_DECIMALS = re.compile(r"[.,]\d{2}$")
_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d{2})?")


def locate(quote: str, body: str, subject: str, sender: str | None = None) -> Span | None:
    """Claude's quote in the body, else the subject, else the sender's name: exactly, then
    with any whitespace and case. A quote starting or ending in a letter or digit is found
    only as whole words ("300" is not the tail of "1300")."""
    quote = (quote or "").strip()
    if not quote:
        return None
    words = r"\s+".join(re.escape(part) for part in quote.split())
    before = r"(?<!\w)" if quote[0].isalnum() else ""
    after = r"(?!\w)" if quote[-1].isalnum() else ""
    pattern = re.compile(before + words + after)
    loose = re.compile(before + words + after, re.I)
    for text, source in ((body, "body"), (subject, "subject"), (sender or "", "sender")):
        match = pattern.search(text) or loose.search(text)
        if match:
            return Span(match.start(), match.end(), match.group(0), source)
    return None


def locate_reference(reference: str, body: str, subject: str) -> Span | None:
    """A reference where it stands, written with any separators and case ('KD 4471/2290' for
    'KD-4471-2290'), as a whole token."""
    compact = normalize_reference(reference)
    if not compact:
        return None
    separated = r"[\s\-/._:#]*".join(re.escape(char) for char in compact)
    pattern = re.compile(rf"(?<![A-Za-z0-9]){separated}(?![A-Za-z0-9])", re.I)
    for text, source in ((body, "body"), (subject, "subject")):
        match = pattern.search(text)
        if match:
            return Span(match.start(), match.end(), match.group(0), source)
    return None


def states_reference(text: str, reference: str) -> bool:
    """The quoted text contains the reference (separators and case aside)."""
    compact = normalize_reference(reference)
    return bool(compact) and compact in normalize_reference(text)


def states_amount(text: str, amount: Decimal) -> bool:
    """The quoted text writes the amount: '812,40', '812.40', '1.234,-' or '2.500' for 2500.00
    (a bare '81240' is not 812.40). A zero amount (a settled account) is stated in words, so
    any quote may carry it."""
    if amount == 0:
        return True
    cents = f"{amount:.2f}".replace(".", "")
    whole = cents[:-2] if cents.endswith("00") else None
    for number in _NUMBER.finditer(text):
        # "1 234,56" is one number (never 234,56), "31.12.2026 812,40" two.
        token = number.group(0)
        parts = [token] if _GROUPED.fullmatch(token) else token.split(" ")
        for written in parts:
            digits = re.sub(r"\D", "", written)
            if digits == (cents if _DECIMALS.search(written) else whole):
                return True
    return False
