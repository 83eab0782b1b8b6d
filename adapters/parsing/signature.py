"""Signatures and legal footers: where the creditor's own text ends.

Everything below a sign-off ("Mit freundlichen Grüßen", "Regards") or the "-- " delimiter goes,
except the company name the creditor signs with. Footer rules (IBAN, HRB, Vorstand, phone,
a web address, Datenschutz, …) apply below the sign-off; above it, or in a mail without one,
only to lines that carry no amount, so a claim sentence with a payment link or a "Steuernummer"
survives. Disclaimer paragraphs go wherever they stand.
"""

from __future__ import annotations

import re

_SIGNATURE_DELIMITER = re.compile(r"^\s*(--|__)\s*$")
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
_AMOUNT = re.compile(r"\d,\d{2}\b|\d,-|€|\bEUR\b|\bEuro\b", re.I)


def strip_signature_and_footer(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line):
            return _drop_disclaimers(lines[:index])
        if _SIGN_OFF.match(line):
            kept = _drop_disclaimers(lines[: index + 1])
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
    # No sign-off: footer lines may stand anywhere, but never take a claim line with them.
    return [line for line in _drop_disclaimers(lines) if not is_footer_line(line)]


def is_footer_line(line: str) -> bool:
    return bool(_FOOTER_LINE.search(line)) and not _AMOUNT.search(line)


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
