"""The client's birth date in the usual German and English forms ("geb. 01.02.1980",
"geboren am 1. Februar 1980", "Geburtsdatum: 01.02.80", "DOB 09/09/1990", "born 14 March 1975")."""

from __future__ import annotations

import re
from datetime import date

from adapters.rules.folding import Folded

_MONTHS = {
    "januar": 1,
    "jänner": 1,
    "january": 1,
    "jan": 1,
    "februar": 2,
    "february": 2,
    "feb": 2,
    "märz": 3,
    "maerz": 3,
    "march": 3,
    "mär": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juni": 6,
    "june": 6,
    "jun": 6,
    "juli": 7,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "october": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "dezember": 12,
    "december": 12,
    "dez": 12,
    "dec": 12,
}
_BIRTH_LABEL = (
    r"(?:\bgeb(?:oren)?\.?(?:\s+am)?|\bgeburtsdatum|\bgeburtstag|\*|\bborn(?:\s+on)?|"
    r"\bdate\s+of\s+birth|\bdob|\bd\.o\.b\.?)\s*[:.]?\s*"
)
_BIRTH_NUMERIC = Folded(
    rf"{_BIRTH_LABEL}(?P<d>\d{{1,2}})\s*[./-]\s*(?P<m>\d{{1,2}})\s*[./-]\s*(?P<y>\d{{4}}|\d{{2}})(?!\d)",
)
_BIRTH_WORDS = Folded(
    rf"{_BIRTH_LABEL}(?P<d>\d{{1,2}})\.?\s+(?P<mon>[a-zä]+)\.?\s+(?P<y>\d{{4}})",
)
_BIRTH_EN = Folded(
    rf"{_BIRTH_LABEL}(?P<mon>[a-z]+)\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})",
)


def birth_date(text: str, today_year: int = 2026) -> tuple[str, int, int] | None:
    """ISO date of the first labelled birth date, with its span."""
    for pattern in (_BIRTH_NUMERIC, _BIRTH_WORDS, _BIRTH_EN):
        for match in pattern.finditer(text):
            groups = match.groupdict()
            month = (
                int(groups["m"])
                if groups.get("m")
                else _MONTHS.get((groups.get("mon") or "").lower())
            )
            if not month:
                continue
            year = int(groups["y"])
            if year < 100:
                year += 1900 if year > today_year % 100 else 2000
            if not 1900 <= year <= today_year - 14:
                continue  # "Mahngeb. 01.11.2026" in a statement is no birth date
            try:
                value = date(year, month, int(groups["d"]))
            except ValueError:
                continue
            return value.isoformat(), match.start("d"), match.end("y")
    return None


# "Jana Hoffmann (01.02.1980)", "Hoffmann, Jana, 01.02.80": a date right after the client's name.
_BESIDE_NAME = re.compile(
    r"\s*(?:,|\()\s*(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})(?![\d.])\s*(?:\)|,|;|$)",
    re.M,
)


def date_beside_name(text: str, name_end: int | None, today_year: int = 2026):
    """ISO date standing unlabelled right after the client's name, when old enough to be a
    birth date (at least 16 years back), with its span; else None."""
    if name_end is None:
        return None
    match = _BESIDE_NAME.match(text, name_end)
    if not match:
        return None
    year = int(match.group("y"))
    if year < 100:
        year += 1900 if year > today_year % 100 else 2000
    if not 1900 <= year <= today_year - 16:
        return None
    try:
        value = date(year, int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None
    return value.isoformat(), match.start("d"), match.end("y")
