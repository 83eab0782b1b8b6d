"""The AttachmentReader port: the text layer of PDFs (pypdf) and plain-text attachments.

Never raises on a bad file: an encrypted, broken or image-only PDF gives an empty text with a
note that says why (the job records it; a scan without a text layer is marked "no text").
"""

from __future__ import annotations

import io
import logging

from application.zendesk_ports import AttachmentReader
from domain.values import AttachmentText

MAX_PAGES = 30
MAX_CHARS = 50_000
NO_TEXT = "no text: the PDF has no text layer (a scan or photo?)"
_TEXT_TYPES = ("text/plain", "text/csv")
_TEXT_SUFFIXES = (".txt", ".csv")

# pypdf logs every malformed object at WARNING; one note on the job says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def is_pdf(file_name: str, content_type: str | None) -> bool:
    return (content_type or "").lower() == "application/pdf" or file_name.lower().endswith(".pdf")


def is_text(file_name: str, content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind in _TEXT_TYPES or file_name.lower().endswith(_TEXT_SUFFIXES)


class PdfTextReader(AttachmentReader):
    def readable(self, file_name: str, content_type: str | None) -> bool:
        return is_pdf(file_name, content_type) or is_text(file_name, content_type)

    def read(self, file_name: str, content_type: str | None, content: bytes) -> AttachmentText:
        if is_pdf(file_name, content_type) or content.startswith(b"%PDF-"):
            text, note = pdf_text(content)
        elif is_text(file_name, content_type):
            text, note = _decode(content), None
        else:
            text, note = "", f"not read: {content_type or 'unknown type'}"
        return AttachmentText(file_name, content_type, text[:MAX_CHARS], note)


def pdf_text(content: bytes) -> tuple[str, str | None]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            # Many letters are "encrypted" with an empty password (permissions only).
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - unsupported cipher: skip the file, say so
                opened = 0
            if not opened:
                return "", "skipped: the PDF is encrypted"
        pages = []
        for page in reader.pages[:MAX_PAGES]:
            pages.append(page.extract_text() or "")
            if sum(len(p) for p in pages) > MAX_CHARS:
                break
    except Exception as exc:  # noqa: BLE001 - a broken PDF must never fail the job
        return "", f"skipped: the PDF cannot be read ({type(exc).__name__})"
    text = "\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        return "", NO_TEXT
    note = None
    if len(reader.pages) > MAX_PAGES:
        note = f"only the first {MAX_PAGES} of {len(reader.pages)} pages were read"
    return text, note


def _decode(content: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")
