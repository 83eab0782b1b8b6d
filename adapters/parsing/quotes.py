"""Quoted history in plain text: where it starts, and what of the mail around it is the reply.

Recognises, in German, English and the other languages mail clients write them in: attribution
lines ("Am … schrieb …:", "On … wrote:", wrapped over up to three lines), header blocks of a
quoted mail ("Von:/Gesendet:/An:", "From: … Date: …" on one line, blocks starting with
"Datum:"/"Date:"), separators ("-----Ursprüngliche Nachricht-----", "-----Antwort Nachricht-----"),
mobile client lines ("Gesendet von Outlook für Android") and "> " quoting. Text written below or
between "> " quoted lines (or below a "> "-marked forward) is the reply and is kept; a mail that
is only a forward keeps the forwarded text, not its headers.
"""

from __future__ import annotations

import re

_HEADER_CHARS = 300  # no header line is longer; long lines are never scanned as one
_HEADER_LINES = 12  # nor is a header block longer (this also keeps the scan linear)
_VERB = (
    r"(wrote|writes|sent|schrieb|geschrieben|a\s+écrit|écrit|schreef|geschreven|escribió|escribio|"
    r"ha\s+scritto|scritto|napisał|napisała|napisal|escreveu|skrev|kirjoitti|написал|написала|"
    r"написав|пише|đã\s+viết|yazdı)"
)
_LEAD = r"(on|am|le|op|el|il|in\s+data|w\s+dniu|dnia|em|den|på|vào|at)\b"
_DATE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}[:.]\d{2}\b|\b(19|20)\d{2}\b|"
    r"\b\d{1,2}\.?\s+[^\W\d_]{3,}\.?\s+\d{4}\b"
)
_ADDRESS = re.compile(r"<[^<>\s]*@?[^<>]*>?|\[mailto:|\([^()\s]+@[^()\s]+\)|\S+@\S+\.\w+")
_VERB_AT_END = re.compile(rf"\b{_VERB}\b(?:[^:.!?]{{0,60}}:|\s*-*)\s*$", re.I)
_OPENS_ATTRIBUTION = re.compile(rf"^\W*({_LEAD}\s.{{0,30}}?\d|\d{{1,4}}[./-]\d)", re.I)
# Case-sensitive: "On Wed, …" opens a header, "… schrieb\nam 12.03.2024 …:" continues one.
_OPENS_LATER = re.compile(
    r"(^|[\s-])(On|Am|Le|Op|El|Il|In data|W dniu|Dnia|Em|Den|På|Vào|At)\s.{0,30}?\d|^\W*\d{1,4}[./-]\d"
)
# "> " and the Supercite form with the author's initials ("C> ", "JS> ").
_QUOTE_MARK = re.compile(r"^([A-Z]{1,3})?>")
_QUOTE_PREFIX = re.compile(r"^>\s*(?=\S*\s*\b" + _VERB + r"\b)", re.I)
# Gmail's "2016-03-03 17:21 GMT+01:00 Some One <…>:", address and colon lost in conversion.
_GMAIL_DATE_FIRST = re.compile(r"^\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}\s+GMT[+-]\d{1,2}:?\d{2}\s+\S")
_COLON_AT_END = re.compile(r":\s*$")
_SENTENCE_END = re.compile(r"[.!?]\s*$")

_FIELD = (
    r"(von|from|de|van|da|fra|från|od|от|lähettäjä|від|gesendet|sent|envoyé|verzonden|inviato|"
    r"enviado|sendt|skickat|wysłano|отправлено|lähetetty|datum|date|data|dato|fecha|дата|an|to|"
    r"à|a|aan|til|till|do|para|кому|vastaanottaja|cc|kopie|betreff|subject|objet|onderwerp|"
    r"oggetto|asunto|assunto|emne|ämne|temat|тема|aihe|antwort an|reply-to|sujet|copie à|"
    r"message du)"
)
_DATE_FIELD_WITH_TIME = re.compile(
    r"^\W{0,3}\*?(date|datum|sent|gesendet|message du)\*?\s?:.*\b\d{1,2}:\d{2}", re.I
)
_SENDER_FIELD = re.compile(r"(von|from|de|van|da|fra|från|od|от|lähettäjä|від)$", re.I)
_FIELD_LINE = re.compile(rf"^\W{{0,3}}\*?{_FIELD}\*?\s?:\*?(\s|$)", re.I)
_SECOND_FIELD = re.compile(
    r"\s\*?(date|datum|sent|gesendet|to|an|subject|betreff|envoyé|objet)\*?\s?:\*?\s", re.I
)
_SEPARATOR = re.compile(
    r"^\W*-{2,}\s*(ursprüngliche\s+nachricht|original\s*nachricht|original\s+message|"
    r"antwort\s+nachricht|message\s+d'origine|mensaje\s+original|messaggio\s+originale|"
    r"oorspronkelijk\s+bericht|oprindelig\s+besked|opprinnelig\s+melding|"
    r"ursprungligt\s+meddelande|oprindelig\s+meddelelse|alkuperäinen\s+viesti|"
    r"oryginalna\s+wiadomość|"
    r"исходное\s+сообщение|mensagem\s+original|reply\s+message)\s*-{2,}\W*$",
    re.I,
)
_FORWARD_NAMES = (
    r"(weitergeleitete\s+nachricht|forwarded\s+message|message\s+transféré|mensaje\s+reenviado|"
    r"messaggio\s+inoltrato|doorgestuurd\s+bericht|vidarebefordrat\s+meddelande|"
    r"videresendt\s+(meddelelse|melding|besked)|välitetty\s+viesti|przekazana\s+wiadomość)"
)
_FORWARD = re.compile(
    rf"^\W*(-{{2,}}\s*{_FORWARD_NAMES}\s*-{{2,}}|(begin\s+)?{_FORWARD_NAMES}\s*:|"
    r"anfang\s+der\s+weitergeleiteten\s+nachricht\s*:|début\s+du\s+message\s+réexpédié\s*:)\W*$",
    re.I,
)
_RULE = re.compile(r"^\s*[-_=*]{4,}\s*$")
_UNDERSCORES = re.compile(r"^\s*_{8,}\s*$")  # Outlook's line above the quoted mail
# "reply On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:" - reply and header on one line
_SHARED_LINE = re.compile(
    r"^(?P<reply>.*?\w.*?)[\s-]*(?P<header>\b(On|Am)\s+\w{2,3}\.?,\s.{10,200})$"
)
# What _SHARED_LINE needs somewhere in the line. Its lazy reply makes it try every split of the
# line (~100 µs for a 95-character line, most of the cleaner's time in the worker's profile);
# this linear search (< 1 µs) rules out almost every line first, so the result is the same.
_SHARED_HEADER_START = re.compile(r"\b(On|Am)\s+\w{2,3}\.?,\s")
_CLIENT_LINE = re.compile(
    r"^\s*((sent|gesendet|envoyé|sendt|skickat|enviado|inviato|verzonden|wysłane|отправлено)\s+"
    r"(wirelessly\s+)?(from|von|depuis|à\s+partir\s+de|fra|från|desde|da|vanaf|mit|z|из|с)\s+"
    r"[^,.;]{2,40}|"
    r"von\s+meinem\s+\S+(\s+\S+)?\s+gesendet|get\s+outlook\s+for\s+\w+)[.!]?\s*(<[^>]*>)?\s*$",
    re.I,
)


def is_attribution_text(text: str) -> bool:
    """True for an attribution line such as "Am … schrieb …:" (for HTML quote containers)."""
    lines = [line for line in text.splitlines() if line.strip()][-3:]
    return any(_attribution_end(lines, start) == len(lines) for start in range(len(lines)))


def is_quote_marked(line: str) -> bool:
    stripped = line.strip()
    # ">>> >>> http://… <<<" is decoration, not quoting.
    return bool(_QUOTE_MARK.match(stripped)) and not stripped.endswith("<")


def strip_quoted_history(lines: list[str]) -> list[str]:
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if is_quote_marked(line):
            index += 1
            continue
        if _CLIENT_LINE.match(line) or _SEPARATOR.match(line):
            break
        if _FORWARD.match(line):
            following = _next_filled(lines, index + 1)
            if following < len(lines) and is_quote_marked(lines[following]):
                index = following  # a "> " forwarded mail goes; text after it is the sender's
                continue
            if any(kept_line.strip() for kept_line in kept):
                break  # a reply above a forward: the forwarded mail is history
            # The whole mail is a forward: its text is the content, its headers are not.
            index = _after_header_block(lines, _next_filled(lines, index + 1))
            continue
        if _is_wrapped_quote_line(lines, index):
            index += 1
            continue
        shared = _shared_line(line)
        if shared and _attribution_end([shared.group("header")], 0) is not None:
            kept.append(shared.group("reply"))
            break
        header_end = _attribution_end(lines, index)
        if header_end is not None:
            following = _next_filled(lines, header_end)
            if following < len(lines) and is_quote_marked(lines[following]):
                index = following  # the "> " lines go; text after them is a reply again
                continue
            break
        if _is_header_block(lines, index):
            _drop_rule_above(kept)
            break
        if _UNDERSCORES.match(line) and not _sum_row_follows(lines, index + 1):
            break
        if _RULE.match(line) and _header_follows(lines, index + 1):
            break
        kept.append(line)
        index += 1
    return kept


def _shared_line(line: str) -> re.Match[str] | None:
    """A reply and an attribution on one line ("… On Wed, Apr 4, 2012 at …, … wrote:")."""
    if len(line) > _HEADER_CHARS or not _SHARED_HEADER_START.search(line):
        return None
    return _SHARED_LINE.match(line)


def _is_wrapped_quote_line(lines: list[str], index: int) -> bool:
    """An unmarked line squeezed between two "> " lines is a quoted line the client wrapped."""
    if index == 0 or index + 1 >= len(lines) or not lines[index].strip():
        return False
    above, below = lines[index - 1], lines[index + 1]
    if not (is_quote_marked(above) and is_quote_marked(below)):
        return False
    # A long quoted line broke, or a quoted "<link>" lost its tail to the next line.
    return len(above.strip()) >= 35 or lines[index].rstrip().endswith(">")


def _next_filled(lines: list[str], start: int) -> int:
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start


def _attribution_end(lines: list[str], start: int) -> int | None:
    """End (exclusive) of an attribution starting at `start`, over one to three lines."""
    first = lines[start].strip()
    if (
        not first
        or len(first) > _HEADER_CHARS
        or _SENTENCE_END.search(first)
        and not re.search(rf"<|\b{_VERB}\b", first, re.I)
    ):
        return None
    # Clients that wrap the address ("On … Some One\n\n<\nmailto:…>\n> wrote:") leave blanks.
    spread = 6 if _OPENS_ATTRIBUTION.match(first) else 4
    for end in range(start + 1, min(start + spread, len(lines) + 1)):
        block = [_QUOTE_PREFIX.sub("", line.strip()) for line in lines[start:end] if line.strip()]
        if not lines[end - 1].strip():
            if spread == 4:
                return None
            continue
        if _is_attribution(" ".join(block), lines, end):
            # A later line that opens an attribution is where the header starts.
            if any(_OPENS_LATER.search(line) for line in block[1:]):
                return None
            return end
    return None


def _is_attribution(text: str, lines: list[str], end: int) -> bool:
    if len(text) > 300:
        return False
    core = text.strip(" -*")
    if _GMAIL_DATE_FIRST.match(core):
        return True
    has_date = bool(_DATE.search(core))
    has_address = bool(_ADDRESS.search(core))
    if _VERB_AT_END.search(core):
        return has_date or has_address or bool(re.match(_LEAD, core, re.I)) or core != text
    if _COLON_AT_END.search(core):
        return has_date and has_address and "<" in core or "[mailto:" in core and has_date
    # "2013/7/20 sam via Discourse <info@discourse.org>" directly above "> " lines
    following = _next_filled(lines, end)
    return (
        bool(re.match(r"^\d", core))
        and has_date
        and "<" in core
        and following < len(lines)
        and is_quote_marked(lines[following])
    )


def _header_fields(lines: list[str], start: int) -> tuple[list[str], int]:
    """The field names of the header block at `start` and where the block ends."""
    fields: list[str] = []
    index, continuation = start, 0
    while index < min(len(lines), start + _HEADER_LINES) and lines[index].strip():
        match = _FIELD_LINE.match(lines[index])
        if match:
            fields.append(match.group(1).lower())
            fields += [m.group(1).lower() for m in _SECOND_FIELD.finditer(lines[index])]
            continuation = 0
        elif fields and continuation == 0 and len(lines[index]) < 120:
            continuation = 1  # a wrapped subject or address line
        else:
            break
        index += 1
    return fields, index


def _is_header_block(lines: list[str], start: int) -> bool:
    if len(lines[start]) > _HEADER_CHARS or not _FIELD_LINE.match(lines[start]):
        return False
    fields, _ = _header_fields(lines, start)
    if len(set(fields)) < 2:
        return False
    if any(_SENDER_FIELD.match(field) for field in fields):
        return True
    # "Date: Wed, 16 May 2012 00:15:02 -0600 / To: …": a mail header, where a letter's
    # "Datum: 12.03.2024 / Betreff: …" has no time of day.
    return bool(_DATE_FIELD_WITH_TIME.match(lines[start]))


def _after_header_block(lines: list[str], start: int) -> int:
    if start < len(lines) and _is_header_block(lines, start):
        return _header_fields(lines, start)[1]
    return start


def _header_follows(lines: list[str], start: int) -> bool:
    following = _next_filled(lines, start)
    return following < len(lines) and (
        _is_header_block(lines, following) or _attribution_end(lines, following) is not None
    )


# "Gesamtforderung per 20.11.2026      12.611,08 EUR" under a rule: a table's sum row.
_SUM_ROW = re.compile(r"^\s*[^\W\d][^:]{0,60}?\s(\d{1,3}([.\s]\d{3})*|\d+),\d{2}\b")


def _sum_row_follows(lines: list[str], start: int) -> bool:
    """An underscore rule above a figure row closes a table; it opens no quoted mail."""
    following = _next_filled(lines, start)
    return following < len(lines) and bool(_SUM_ROW.match(lines[following]))


def _drop_rule_above(kept: list[str]) -> None:
    """A separator line ("_____", "-----") right above a header block belongs to it."""
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and _RULE.match(kept[-1]):
        kept.pop()
