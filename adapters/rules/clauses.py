"""Where an amount's clause begins and ends: sentence breaks that skip abbreviations."""

from __future__ import annotations

import re

# A sentence ends at ". " before a capital (not after "Nr." or "Az."), at ; ! ? or a line end.
# (Each alternative opens with its character, so the engine skips to the next . ; ! ? or \n.)
_CLAUSE_BREAK = re.compile(
    r"\.(?<!\bNr\.)(?<!\bAz\.)(?<!\bca\.)(?<!\bgeb\.)(?<!\bvgl\.)(?<!\bzzgl\.)(?<!\binkl\.)(?<!\bFr\.)"
    r"(?<!\bHr\.)\s+(?=[A-ZÄÖÜ])|[;!?](\s|$)|\n"
)


# Lower-case abbreviations a sentence never ends with ("wird." or "ist." end one).
_ABBREVIATIONS = frozenset(
    re.findall(
        r"\w+",
        "gem lt bzw ggf inkl zzgl vgl evtl ca nr az geb str usw etc sog bspw abs ziff kto kd "
        "ref no incl approx tel fax zzt ggü lfd gez ff resp vs abzgl ausschl einschl pkt jhrl "
        "mtl tgl zt",
    )
)


def _clause_after(body: str, end: int) -> str:
    """The words after an amount up to its sentence's end."""
    clause_end = _CLAUSE_BREAK.search(body, end)
    return body[end : clause_end.start() if clause_end else len(body)]


def _clause_start(body: str, position: int) -> int:
    cut = 0
    for match in _CLAUSE_BREAK.finditer(body, max(0, position - 160), position):
        before = body[max(0, match.start() - 12) : match.start() + 1]
        word = re.search(r"(\w+)\.$", before) if before.endswith(".") else None
        if word and (word.group(1) in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue  # "gem. RDG", "lt. Aufstellung", "bzw. Kosten": an abbreviation
        cut = match.end()
    return cut


def sentence_start(body: str, position: int) -> int:
    """The last ". " or blank line before `position` (-1: none), where its sentence begins."""
    return max(body.rfind(". ", 0, position), body.rfind("\n\n", 0, position))
