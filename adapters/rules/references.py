"""Reference-like tokens without a label (a subject's "Wolf – KL-90233718", a bare account
number in a letter): at least three digits, never a date, an amount or a year."""

from __future__ import annotations

import re

from adapters.rules.folding import Folded

_REFERENCE_TOKEN = Folded(
    r"(?<![\w/])(?=[\w/.\- ]{0,14}\d)[a-z0-9](?:[a-z0-9]|//?(?=[a-z0-9])|[\-.](?=[a-z0-9])|\s(?=\d|[a-z]\b)){3,30}",
)
_LEADING_WORD = re.compile(r"^([A-Za-zÄÖÜäöüß]{4,}\.?\s+)+")
_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})?$")
_NOT_A_REFERENCE = Folded(r"\b(eur|usd|gbp|chf)\b|^[\d.,]+[.,]\d{2}$|^(19|20)\d{2}$")


def reference_tokens(text: str) -> list[str]:
    """Reference-like tokens (three digits or more, no date, no amount) without a label."""
    references = []
    for match in _REFERENCE_TOKEN.finditer(text):
        token = _LEADING_WORD.sub("", match.group(0).strip())
        if (
            text[match.end() : match.end() + 1] == ","
            and text[match.end() + 1 : match.end() + 2].isdigit()
        ):
            continue  # "4.512,77": an amount
        if _NOT_A_REFERENCE.search(token):
            continue  # "EUR 50.00", "2026"
        if (
            sum(ch.isdigit() for ch in token) >= 3
            and not _DATE.match(token)
            and not (re.search(r"\d{1,2}\.\d{1,2}\.\d{2,4}", token))
        ):
            references.append(token)
    return references
