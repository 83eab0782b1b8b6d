"""EmailCleaner: the EmailParser port. Keeps what the creditor wrote in this reply, nothing else.

HTML is converted on BeautifulSoup (tables stay readable, one row per line); quoted history
(German and English markers, "> " blocks, Outlook/Gmail quote containers), signatures and legal
footers (IBAN, HRB, phone blocks, disclaimers) are removed so their numbers never reach the
extractor. Never raises on odd input.
"""

from __future__ import annotations

import re

from adapters.parsing.html_quotes import remove_quoted_html
from adapters.parsing.html_text import soup_of, soup_to_text
from adapters.parsing.quotes import strip_quoted_history
from adapters.parsing.signature import strip_signature_and_footer
from application.pipeline_ports import EmailParser

MAX_CHARS = 50_000

# Direction marks and zero-width characters some clients scatter through header lines.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\ufeff]")


class EmailCleaner(EmailParser):
    def clean(self, body_html: str, body_text: str) -> str:
        text, history_cut = "", False
        if body_html and body_html.strip():
            text, history_cut = _html_to_text(body_html[: MAX_CHARS * 4])
        if not text.strip():
            text = body_text or ""
        return _clean_text(text[: MAX_CHARS * 2], history_cut)[:MAX_CHARS]


def _html_to_text(html: str) -> tuple[str, bool]:
    """The text, and whether a quote container was cut from the HTML."""
    try:
        soup = soup_of(html)
        history_cut = remove_quoted_html(soup)
        text = soup_to_text(soup)
    except Exception:  # noqa: BLE001 - malformed HTML must not fail the job; fall back to text
        text, history_cut = re.sub(r"<[^>]+>", " ", html), False
    return text.replace("\xa0", " "), history_cut


def _clean_text(text: str, history_cut: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = _INVISIBLE.sub("", text)
    lines = [_tidy_table_row(line) for line in text.split("\n")]
    kept = strip_quoted_history(lines)
    history_cut = history_cut or _filled(kept) < _filled(lines)
    lines = strip_signature_and_footer(kept, history_cut)
    cleaned = "\n".join(line.rstrip() for line in lines)
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    return cleaned.strip()


def _filled(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip())


def _tidy_table_row(line: str) -> str:
    # Table rows arrive as "a | b"; markdown separator rows ("---|---") carry nothing. A bare
    # "--" is the signature delimiter, not a table row.
    if "|" in line and re.fullmatch(r"[\s|:\-]+", line) and "-" in line:
        return ""
    return line.strip(" |") if "|" in line else line
