"""EmailCleaner: the EmailParser port. Keeps what the creditor wrote in this reply, nothing else.

HTML is converted with html2text (tables stay readable, one row per line); quoted history
(German and English markers, "> " blocks, Outlook/Gmail quote containers), signatures and legal
footers (IBAN, HRB, phone blocks, disclaimers) are removed so their numbers never reach the
extractor. Never raises on odd input.
"""

from __future__ import annotations

import re

import html2text
from bs4 import BeautifulSoup

from application.ports import EmailParser

MAX_CHARS = 50_000

# A line where quoted history starts: everything from here on is dropped.
_HISTORY_START = [
    re.compile(r"^\s*Am\s.{3,120}\bschrieb\b", re.I),
    re.compile(
        r"^\s*-{2,}\s*(Ursprüngliche Nachricht|Original Message|Weitergeleitete Nachricht|Forwarded message|Originalnachricht)\s*-{2,}",
        re.I,
    ),
    re.compile(r"^\s*On\s.{3,200}\bwrote:?\s*$", re.I),
    re.compile(r"^\s*_{8,}\s*$"),
    re.compile(r"^\s*Gesendet von meinem\b", re.I),
    re.compile(r"^\s*Sent from my\b", re.I),
]
# "Von: … / Gesendet: …" (Outlook headers of the quoted mail), within a few lines.
_HEADER_FROM = re.compile(r"^\s*\**(Von|From)\s*:\**\s*\S", re.I)
_HEADER_NEXT = re.compile(r"^\s*\**(Gesendet|Sent|Datum|Date|An|To|Betreff|Subject)\s*:", re.I)
_SIGNATURE_DELIMITER = re.compile(r"^\s*--\s*$")
_SIGN_OFF = re.compile(
    r"^\s*(mit\s+freundlichen\s+grüßen|mit\s+freundlichem\s+gruß|freundliche\s+grüße|beste\s+grüße|"
    r"viele\s+grüße|herzliche\s+grüße|mfg|best\s+regards|kind\s+regards|regards|sincerely|"
    r"yours\s+sincerely|yours\s+faithfully)\b[\s,.!]*$",
    re.I,
)
_COMPANY_HINT = re.compile(
    r"\b(GmbH|AG|KG|KGaA|SE|mbH|e\.\s?V\.|Inkasso|Bank|Sparkasse|Versicherung|Stadtwerke|Ltd|Inc|LLC|plc)\b",
    re.I,
)
_FOOTER_LINE = re.compile(
    r"(\bIBAN\b|\bBIC\b|\bSWIFT\b|\bHRB\b|\bHRA\b|Handelsregister|Registergericht|Amtsgericht|"
    r"USt-?Id|Umsatzsteuer|Steuernummer|St\.-?Nr|Geschäftsführ|Vorstand|Aufsichtsrat|"
    r"Sitz der Gesellschaft|^\s*(Tel|Telefon|Fax|Telefax|Mobil|Phone|Fon)\b\.?\s*:?|"
    r"www\.[\w.-]+|Bankverbindung|Gläubiger-ID|Datenschutz)",
    re.I,
)
_DISCLAIMER = re.compile(
    r"(vertrauliche\s+und/oder\s+rechtlich|diese\s+e-?mail\s+(enthält|ist)\s+vertraulich|"
    r"wenn\s+sie\s+nicht\s+der\s+richtige\s+adressat|this\s+e-?mail\s+(and\s+any\s+attachments\s+)?"
    r"(may\s+)?contains?\s+confidential|if\s+you\s+are\s+not\s+the\s+intended\s+recipient|"
    r"informationen\s+zum\s+datenschutz|privacy\s+notice)",
    re.I,
)
# Quote containers mail clients use in HTML.
_QUOTE_SELECTORS = [
    "blockquote",
    "div.gmail_quote",
    "div.gmail_extra",
    "div.moz-cite-prefix",
    "div#appendonsend",
    "div.OutlookMessageHeader",
]


class EmailCleaner(EmailParser):
    def clean(self, body_html: str, body_text: str) -> str:
        text = ""
        if body_html and body_html.strip():
            text = _html_to_text(body_html[: MAX_CHARS * 4])
        if not text.strip():
            text = body_text or ""
        return _clean_text(text[: MAX_CHARS * 2])[:MAX_CHARS]


def _html_to_text(html: str) -> str:
    try:
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup(["script", "style", "head", "title"]):
            tag.decompose()
        # Outlook puts the quoted mail after a #divRplyFwdMsg header, as siblings.
        reply_header = soup.find(id="divRplyFwdMsg")
        if reply_header is not None:
            for sibling in list(reply_header.find_next_siblings()):
                sibling.decompose()
            reply_header.decompose()
        for selector in _QUOTE_SELECTORS:
            for tag in soup.select(selector):
                tag.decompose()
        converter = html2text.HTML2Text()
        converter.body_width = 0
        converter.ignore_links = True
        converter.ignore_images = True
        converter.ignore_emphasis = True
        converter.ignore_tables = False
        converter.unicode_snob = True
        text = converter.handle(str(soup))
    except Exception:  # noqa: BLE001 - malformed HTML must not fail the job; fall back to text
        text = re.sub(r"<[^>]+>", " ", html)
    return text.replace("\xa0", " ")


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [_tidy_table_row(line) for line in text.split("\n")]
    lines = _cut_history(lines)
    lines = [line for line in lines if not line.lstrip().startswith(">")]
    lines = _cut_signature(lines)
    lines = _drop_footer(lines)
    cleaned = "\n".join(line.rstrip() for line in lines)
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    return cleaned.strip()


def _tidy_table_row(line: str) -> str:
    # html2text renders tables as "a | b"; separator rows ("---|---") carry nothing.
    if re.fullmatch(r"[\s|:\-]+", line) and "-" in line:
        return ""
    return line.strip(" |") if "|" in line else line


def _cut_history(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if any(pattern.search(line) for pattern in _HISTORY_START):
            return lines[:index]
        if _HEADER_FROM.match(line):
            following = lines[index + 1 : index + 5]
            if any(_HEADER_NEXT.match(nxt) for nxt in following):
                return lines[:index]
    return lines


def _cut_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line):
            return lines[:index]
        if _SIGN_OFF.match(line):
            kept = lines[: index + 1]
            # Keep the company name the creditor signs with (no numbers), drop the rest.
            for follower in lines[index + 1 : index + 5]:
                if not follower.strip():
                    continue
                if _COMPANY_HINT.search(follower) and not re.search(r"\d", follower):
                    kept.append(follower)
            return kept
    return lines


def _drop_footer(lines: list[str]) -> list[str]:
    kept = []
    paragraph_is_disclaimer = False
    for line in lines:
        if not line.strip():
            paragraph_is_disclaimer = False
            kept.append(line)
            continue
        if _DISCLAIMER.search(line):
            paragraph_is_disclaimer = True
        if paragraph_is_disclaimer or _FOOTER_LINE.search(line):
            continue
        kept.append(line)
    return kept
