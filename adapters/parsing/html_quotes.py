"""Quoted history in HTML mail: the containers mail clients put the earlier mail in.

A <blockquote> is quoted history when a client marked it so (type="cite"), when an
attribution line ("Am … schrieb …:", "On … wrote:") stands right before it, or when it is the
last blockquote and little more than a disclaimer follows it (a reply with the earlier mail
below) — unless it is a short Gmail editor quote with no amount or header in it. Any other blockquote is the sender's own text (an indented passage, a cited clause).
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from adapters.parsing.quotes import is_attribution_text, is_quote_marked, strip_quoted_history
from adapters.parsing.signature import carries_amount, is_disclaimer, is_footer_line

# Containers that only ever hold the quoted mail (with its attribution line).
_QUOTE_CONTAINERS = [
    "div.gmail_quote",
    "div.gmail_extra",
    "div.moz-cite-prefix",
    "div#appendonsend",
    "div.OutlookMessageHeader",
    "div.yahoo_quoted",
    "div.protonmail_quote",
]

# Below the quoted mail, a client may append a disclaimer or footer; a few more characters of
# the sender's own text than this, and the blockquote is part of what they wrote.
_TRAILER_CHARS = 40
# A passage the sender cites with the editor's quote button is at most this long.
_CITATION_CHARS = 300


def remove_quoted_html(soup: BeautifulSoup) -> bool:
    """Removes the quoted history from `soup`; True if there was any."""
    # Outlook puts the quoted mail after a #divRplyFwdMsg header, as siblings.
    reply_header = soup.find(id="divRplyFwdMsg")
    removed = reply_header is not None
    if reply_header is not None:
        for sibling in list(reply_header.find_next_siblings()):
            sibling.decompose()
        reply_header.decompose()
    for selector in _QUOTE_CONTAINERS:
        for tag in soup.select(selector):
            tag.decompose()
            removed = True
    outermost = [
        tag for tag in soup.find_all("blockquote") if tag.find_parent("blockquote") is None
    ]
    history = [
        tag for index, tag in enumerate(outermost)
        if _is_quoted_history(tag, is_last=index == len(outermost) - 1)
    ]  # fmt: skip
    for tag in history:
        tag.decompose()
    return removed or bool(history)


def _is_quoted_history(blockquote: Tag, is_last: bool) -> bool:
    if (blockquote.get("type") or "").lower() == "cite":
        return True
    before: list[str] = []
    for text in blockquote.find_all_previous(string=True):
        if text.strip():
            before.insert(0, text.strip())
        if len(before) >= 4:
            break
    if before and is_attribution_text("\n".join(before)):
        return True
    if is_last and len(_own_text_after(blockquote)) < _TRAILER_CHARS:
        return not _is_composed_citation(blockquote)
    return False


def _is_composed_citation(blockquote: Tag) -> bool:
    """Gmail's "quote" button in the editor makes a blockquote.gmail_quote of the sender's own;
    a reply's quote sits in a div.gmail_quote with the attribution (removed above). Kept only
    when short and free of amounts, headers and quote marks: when in doubt the quote goes."""
    if "gmail_quote" not in (blockquote.get("class") or []):
        return False
    text = blockquote.get_text("\n")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (
        0 < len(" ".join(lines)) <= _CITATION_CHARS
        and not carries_amount(text)
        and strip_quoted_history(lines) == lines
        and not any(is_quote_marked(line) for line in lines)
    )


def _own_text_after(blockquote: Tag) -> str:
    after = "\n".join(
        text.strip()
        for text in blockquote.find_all_next(string=True)
        if not any(parent is blockquote for parent in text.parents)
    )
    if is_disclaimer(after):
        return ""
    return "".join(line for line in after.splitlines() if not is_footer_line(line)).strip()
