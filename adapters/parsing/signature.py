"""Signatures and legal footers: where the creditor's own text ends.

A sign-off ("Mit freundlichen Grüßen", "Regards") and everything below it go, except the company
name the creditor signs with; so does everything below the "-- " delimiter, a "---" line over a
short name at the end, and a last line "-Name". Footer rules (IBAN, HRB, Vorstand, phone,
a web address, Datenschutz, …) apply below the sign-off; above it, or in a mail without one,
only to lines that carry no amount, so a claim sentence with a payment link or a "Steuernummer"
survives; a mail of nothing but footer lines keeps them. So does a mail that is nothing but its
signature (it opens with the delimiter or sign-off, a few short lines without an amount follow,
nothing quoted was cut from it): there is no text to set the signature apart from. Disclaimer
paragraphs go wherever they stand.
"""

from __future__ import annotations

import re

_SIGNATURE_LINES = 8  # a signature block is no longer than this
_SIGNATURE_DELIMITER = re.compile(r"^\s*(--|__)\s*$")
_SHORT_RULE = re.compile(r"^\s*-{3}\s*$")
_THANKS = re.compile(r"^\s*(thanks|thank\s+you|danke|vielen\s+dank)\s*[,.!]*\s*$", re.I)
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
    r"Sitz der Gesellschaft|^\s*(Tel|Telefon|Fax|Telefax|Mobil|Phone|Fon)\b\.?\s*:?|^\s*(Skype|E-?Mail)\s*:|"
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
_DASH_NAME = re.compile(r"^\s*-\s?[^\W\d_][\w.'’-]*(\s[^\W\d_][\w.'’-]*){0,2}\s*$")
_AMOUNT = re.compile(r"\d,\d{2}\b|\d,-|€|\bEUR\b|\bEuro\b", re.I)


def strip_signature_and_footer(lines: list[str], history_cut: bool) -> list[str]:
    """`history_cut`: quoted or forwarded mail was cut from this one (the lines are what is left)."""
    for index, line in enumerate(lines):
        opens = _SIGNATURE_DELIMITER.match(line) or _SIGN_OFF.match(line)
        if (
            opens
            and not history_cut
            and not any(above.strip() for above in lines[:index])
            and _is_signature_block(lines[index + 1 :])
        ):
            # The whole mail is a signature: its lines are the text, footer rules still apply.
            return _strip_footer(lines[index + 1 :])
        if _SIGNATURE_DELIMITER.match(line):
            return _drop_disclaimers(lines[:index])
        closing = (  # "---" or "Thanks!" over a short name at the end, below some text
            (_SHORT_RULE.match(line) or _THANKS.match(line))
            and _is_name_block(lines[index + 1 :])
            and any(above.strip() for above in lines[:index])
        )
        if closing or _SIGN_OFF.match(line):
            kept = _drop_disclaimers(lines[:index])  # the sign-off line is signature too
            # Keep the company name the creditor signs with (no numbers), drop the rest.
            for follower in lines[index + 1 : index + 5]:
                if not follower.strip():
                    continue
                if (
                    _COMPANY_HINT.search(follower)
                    and not re.search(r"\d", follower)
                    and not _FOOTER_LINE.search(follower)
                ):
                    kept.append(follower)
            return kept
    return _strip_footer(lines)


def _strip_footer(lines: list[str]) -> list[str]:
    # No sign-off: footer lines may stand anywhere, but never take a claim line with them.
    lines = _drop_disclaimers(lines)
    kept = [line for line in lines if not is_footer_line(line)]
    if not any(line.strip() for line in kept):
        # Nothing but footer lines (a mail of contact lines): with no text to set them apart
        # from, they are what the sender wrote.
        return lines
    return _drop_dash_name(kept)


def _is_signature_block(lines: list[str]) -> bool:
    """A few short lines without an amount: a signature, not a letter under one."""
    filled = [line.strip() for line in lines if line.strip()]
    return 0 < len(filled) <= _SIGNATURE_LINES and all(
        len(line) <= 80 and not _AMOUNT.search(line) for line in filled
    )


def _is_name_block(lines: list[str]) -> bool:
    filled = [line.strip() for line in lines if line.strip()]
    return 0 < len(filled) <= 2 and all(
        len(line) <= 40 and not re.search(r"\d", line) for line in filled
    )


def _drop_dash_name(lines: list[str]) -> list[str]:
    """A short "-Name" as the last line, under the text, is how some sign: a signature."""
    filled = [index for index, line in enumerate(lines) if line.strip()]
    if len(filled) >= 2 and _DASH_NAME.match(lines[filled[-1]]):
        above = lines[filled[-2]].strip()
        if not above.startswith(("-", "*", "•")):  # the last item of a list stays
            return lines[: filled[-1]]
    return lines


def is_footer_line(line: str) -> bool:
    return bool(_FOOTER_LINE.search(line)) and not _AMOUNT.search(line) and not _is_prose(line)


def _is_prose(line: str) -> bool:
    """Running text (a sentence that names an IBAN or a web address), not a footer entry: footer
    lines are names, numbers and labels, with few lower-case words between them."""
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    lower = sum(1 for word in words if word[0].islower())
    return len(words) >= 8 and lower * 5 >= len(words) * 2


def carries_amount(text: str) -> bool:
    return bool(_AMOUNT.search(text))


def is_disclaimer(text: str) -> bool:
    return bool(_DISCLAIMER.search(text))


def _drop_disclaimers(lines: list[str]) -> list[str]:
    kept = []
    paragraph_is_disclaimer = False
    for line in lines:
        if not line.strip():
            paragraph_is_disclaimer = False
            kept.append(line)
            continue
        if _DISCLAIMER.search(line):
            paragraph_is_disclaimer = True
        if not paragraph_is_disclaimer:
            kept.append(line)
    return kept
