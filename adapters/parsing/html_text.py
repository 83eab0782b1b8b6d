"""HTML → plain text on BeautifulSoup: block elements become lines, table rows "cell | cell".

Written for the cleaner (no markdown escaping, so "-- " and "> " survive as the sender wrote
them); replaces html2text, which is GPL.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import PreformattedString

_DROPPED = {"script", "style", "head", "title", "noscript", "template", "svg", "object", "iframe"}
# Block elements: their content starts and ends on a line of its own.
_BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "li",
    "main", "nav", "ol", "section", "summary", "ul", "caption", "tbody", "thead", "tfoot",
}  # fmt: skip
# Paragraph-like elements: a blank line before and after, as a mail client shows them.
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "hr"}
_CELL = {"td", "th"}
_STRAY_OPEN = re.compile(r"<(?![^<>]*>)")
_SPACES = re.compile(r"[ \t\r\n\f\v\u200b]+")


def soup_of(html: str) -> BeautifulSoup:
    # A "<" whose next angle bracket is another "<" (or none) cannot open a tag; left as it is,
    # each one makes html.parser scan to the end of the input (minutes on a crafted body).
    soup = BeautifulSoup(_STRAY_OPEN.sub("&lt;", html), "html.parser")
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    return soup


def soup_to_text(soup: BeautifulSoup | Tag) -> str:
    writer = _Writer()
    writer.walk(soup)
    text = "".join(writer.parts).replace("\xa0", " ")
    lines = [line.strip(" ") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


class _Writer:
    """Emits text parts; newlines are requested, never doubled beyond what a block needs."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self._pending_breaks = 0

    def text(self, value: str) -> None:
        if not value:
            return
        if self._pending_breaks:
            if self.parts:
                self.parts.append("\n" * self._pending_breaks)
            self._pending_breaks = 0
        self.parts.append(value)

    def inline(self, value: str) -> None:
        collapsed = _SPACES.sub(" ", value)
        if not collapsed.strip() and (not self.parts or self._pending_breaks):
            return
        if self._pending_breaks or self._at_line_start():
            collapsed = collapsed.lstrip(" ")
        elif self.parts and self.parts[-1].endswith(" ") and collapsed.startswith(" "):
            collapsed = collapsed[1:]
        self.text(collapsed)

    def line_break(self, count: int = 1) -> None:
        self._pending_breaks = max(self._pending_breaks, count)

    def hard_break(self) -> None:
        # <br>: always a new line, even two in a row (an empty line the sender typed).
        if self._pending_breaks:
            self._pending_breaks += 1
        else:
            self._pending_breaks = 1

    def _at_line_start(self) -> bool:
        return not self.parts or self.parts[-1].endswith("\n")

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self.element(child)
            elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
                self.inline(str(child))

    def element(self, tag: Tag) -> None:
        name = tag.name
        if name == "br":
            self.hard_break()
        elif name == "tr":
            self.table_row(tag)
        elif name == "pre":
            self.line_break(2)
            self.text(tag.get_text())
            self.line_break(2)
        elif name == "hr":
            self.line_break(2)
        elif name in _PARAGRAPH:
            self.line_break(2)
            self.walk(tag)
            self.line_break(2)
        elif name in _BLOCK:
            self.line_break()
            if name == "li":
                self.text("- ")
            self.walk(tag)
            self.line_break()
        elif name == "img":
            return
        else:
            self.walk(tag)

    def table_row(self, row: Tag) -> None:
        # A data row becomes one line "cell | cell"; a layout row (a cell holding several lines,
        # as newsletters and Outlook signatures use tables) keeps each cell's own lines.
        cells = [soup_to_text(cell) for cell in row.find_all(_CELL, recursive=False)]
        cells = [cell for cell in cells if cell.strip()]
        self.line_break()
        if any("\n" in cell for cell in cells):
            for cell in cells:
                self.text(cell)
                self.line_break()
        else:
            self.text(" | ".join(cells))
        self.line_break()
