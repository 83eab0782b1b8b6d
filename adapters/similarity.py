"""NameSimilarity on rapidfuzz: case, umlauts, punctuation and legal forms do not count."""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz import fuzz

from application.pipeline_ports import NameSimilarity

_LEGAL_FORMS = re.compile(
    r"\b(gmbh\s*&\s*co\.?\s*kg|gmbh|mbh|ag|kg|kgaa|se|ohg|gbr|e\.?\s?v\.?|ltd|inc|llc|plc|co)\b\.?",
    re.I,
)
_TITLES = re.compile(r"\b(herr|herrn|frau|dr|prof|mr|mrs|ms)\b\.?", re.I)
# Letters NFKD does not decompose to ASCII: "Yılmaz" is "Yilmaz", "Łukasz" "Lukasz".
_UMLAUTS = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "æ": "ae",
        "œ": "oe",
    }
)


@functools.lru_cache(maxsize=8192)
def normalize_name(name: str) -> str:
    """Cached: every email is scored against the same directory names (~100 calls a job)."""
    name = name.lower().translate(_UMLAUTS)
    name = _LEGAL_FORMS.sub(" ", name)
    name = _TITLES.sub(" ", name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9 ]+", " ", name)
    return " ".join(name.split())


class RapidFuzzSimilarity(NameSimilarity):
    """token_sort_ratio on normalised names; a strict token subset (a missing first name,
    "Telekom" for "Telekom Deutschland") scores 0.9, never a full match."""

    def __call__(self, left: str, right: str) -> float:
        return _similarity(left or "", right or "")


@functools.lru_cache(maxsize=4096)
def _similarity(left: str, right: str) -> float:
    """Cached (a pure function of the two names): the safety rule compares the directory's
    creditor names with one another for every email (12 of the 29 comparisons of the worker
    benchmark's email), and a creditor who writes again brings the same names back. 4 096
    pairs of short names: well under a megabyte."""
    a, b = normalize_name(left), normalize_name(right)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    tokens_a, tokens_b = set(a.split()), set(b.split())
    ratio = fuzz.token_sort_ratio(a, b) / 100
    if tokens_a < tokens_b or tokens_b < tokens_a:
        ratio = max(ratio, 0.9)
    return round(min(ratio, 0.99), 4)
