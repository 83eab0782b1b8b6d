r"""A case-insensitive pattern written in lower case, searched on a lower-cased copy of the text
without re.I: the same matches at the same offsets at a third of the cost (re.I makes the
regex engine enter every alternative at every position; without it, it skips an alternative
whose first letter differs).

It is exact: str.lower() keeps every offset and lower-cases a character exactly when re.I
would match it to a lower-case letter — except for "İ", "ı" and "ſ"
(tests/unit/test_rules_folding.py checks all of Unicode), so a text holding one of those is
searched with the re.I pattern as written. Matches found on the copy read their text from the
original (`FoldedMatch`), so callers see what re.I would have returned.

Before the regex runs, a plain substring test on the copy rules out most texts: `_needs` reads
from the parsed pattern the words one of which every match must contain ("zinsen", "kosten" …
for "(zinsen|kosten)\s+werden"); a copy holding none of them cannot match.
"""

from __future__ import annotations

import re
import sys

try:  # Python's own pattern parser (3.11+); without it no pattern is skipped, results the same
    import re._constants as sre
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - a future Python that renames them
    sre = sre_parse = None

# str.lower() gives "i̇" (two characters) for "İ"; re.I matches "ı" to "i" and "ſ" to "s".
UNSAFE = frozenset("İıſ")

_last: tuple[str, str | None] = ("", "")  # the last text and its copy: one entry, no growth


def lowered(text: str) -> str | None:
    """The lower-cased copy of `text`, or None when it would not be exact. The last text's
    copy is kept, since several patterns in a row search the same text."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    copy = None if "İ" in text or "ı" in text or "ſ" in text else text.lower()
    _last = (text, copy)
    return copy


class FoldedMatch:
    """A match on the lower-cased copy whose groups are read from the original text."""

    __slots__ = ("_match", "string")

    def __init__(self, match: re.Match, string: str) -> None:
        self._match = match
        self.string = string

    def start(self, group: int | str = 0) -> int:
        return self._match.start(group)

    def end(self, group: int | str = 0) -> int:
        return self._match.end(group)

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self._match.span(group)

    def group(self, group: int | str = 0) -> str | None:
        start, end = self._match.span(group)
        return None if start < 0 else self.string[start:end]

    def groupdict(self) -> dict[str, str | None]:
        return {name: self.group(name) for name in self._match.re.groupindex}


class Folded:
    """A re.I pattern with its search, match and finditer run on the lower-cased copy."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        letters = re.sub(r"\\.|\(\?P[<=]", "", pattern)
        if "(?-i" in letters or letters != letters.lower():
            raise ValueError("a folded pattern is written in lower case, with no (?-i:…)")
        self.exact = re.compile(pattern, flags | re.I)
        self.fast = re.compile(pattern, flags & ~re.I)
        self.pattern = pattern
        self.needs = _words_needed(pattern, flags & ~re.I)

    def _copy(self, text: str) -> str | None:
        """The lower-cased copy, "" when it holds none of the needed words."""
        last = _last  # lowered(text), without its call when the text is the last one
        copy = last[1] if last[0] is text else lowered(text)
        return "" if copy and _lacks(self.needs, copy) else copy

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        # lowered() inlined as in _copy: this runs ~70 times per email (the hottest rules call).
        last = _last
        copy = last[1] if last[0] is text else lowered(text)
        if copy is None:
            return self.exact.search(text, pos, endpos)
        if not copy or _lacks(self.needs, copy):
            return None  # as _copy's "" in match and finditer
        match = self.fast.search(copy, pos, endpos)
        return None if match is None else FoldedMatch(match, text)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        copy = self._copy(text)
        if copy is None:
            return self.exact.match(text, pos, endpos)
        match = self.fast.match(copy, pos, endpos) if copy else None
        return None if match is None else FoldedMatch(match, text)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        copy = self._copy(text)
        if copy is None:
            yield from self.exact.finditer(text, pos, endpos)
            return
        for match in self.fast.finditer(copy, pos, endpos) if copy else ():
            yield FoldedMatch(match, text)


class Checked:
    """A pattern (with its case) whose search, match and finditer first test the text for the
    words every match needs, as a folded pattern does."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        if flags & re.I:
            raise ValueError("a re.I pattern is folded, not checked")
        self.regex = re.compile(pattern, flags)
        self.pattern = pattern
        self.needs = _words_needed(pattern, flags)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return None if _lacks(self.needs, text) else self.regex.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        return None if _lacks(self.needs, text) else self.regex.match(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        return iter(()) if _lacks(self.needs, text) else self.regex.finditer(text, pos, endpos)


def _lacks(needs: tuple[str, ...] | None, text: str) -> bool:
    """Whether `text` holds none of the `needs` words (False when there are none to test):
    then no match is possible. A loop, cheaper than any(map(…)) for a few words."""
    if needs:
        for word in needs:  # noqa: SIM110 - a loop, no generator: ~200 calls an email
            if word in text:
                return False
        return True
    return False


def _words_needed(pattern: str, flags: int) -> tuple[str, ...] | None:
    if sre_parse is None:
        return None
    parsed = sre_parse.parse(pattern, flags)
    return None if parsed.state.flags & re.I else _needs(parsed)  # (an inline "(?i)")


_REPEATS = () if sre is None else (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _needs(items) -> tuple[str, ...] | None:
    """Words one of which every match of the parsed pattern `items` contains (a lookahead's or
    lookbehind's words are in the text too), or None when no such words can be told."""
    candidates: list[tuple[str, ...] | None] = []
    run = ""
    for op, av in [*items, (None, None)]:  # (None, None) ends the last run of letters
        if op is sre.LITERAL:
            run += chr(av)
            continue
        candidates.append((run,) if run else None)  # the letters in a row before this item
        run = ""
        if op is sre.SUBPATTERN and not av[1] and not av[2]:  # (no inline flags)
            candidates.append(_needs(av[3]))
        elif op is sre.BRANCH:
            options = [_needs(branch) for branch in av[1]]
            if all(options):
                candidates.append(tuple(dict.fromkeys(w for option in options for w in option)))
        elif op in _REPEATS and av[0] >= 1 or op is sre.ASSERT:
            candidates.append(_needs(av[-1]))  # (min, max, item) / (direction, item)
        elif op is sre.ATOMIC_GROUP:
            candidates.append(_needs(av))
    return max(filter(None, candidates), key=_selective, default=None)


def _selective(words: tuple[str, ...]) -> tuple[int, int]:
    return min(map(len, words)), -len(words)
