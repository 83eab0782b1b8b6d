"""The email body with the attachments' texts after it, each under a header naming the file,
so an extractor reads both and a value found in an attachment can be traced to it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from application.pipeline_ports import Extractor
from domain.extraction import Extraction, Span
from domain.values import AttachmentText

ATTACHMENT_HEADER = "----- Anhang: {name} -----"


def with_attachment_texts(body: str, attachments: Sequence[AttachmentText]) -> str:
    return _compose(body, attachments)[0]


def _compose(
    body: str, attachments: Sequence[AttachmentText]
) -> tuple[str, list[tuple[int, int, str]]]:
    """The combined text and, per attachment, (start, end, filename) of its text in it."""
    text = body
    sections: list[tuple[int, int, str]] = []
    for attachment in attachments:
        content = attachment.text.strip()
        if content:
            text += "\n\n" + ATTACHMENT_HEADER.format(name=attachment.filename) + "\n\n"
            sections.append((len(text), len(text) + len(content), attachment.filename))
            text += content
    return text, sections


def _located(span: Span, sections: list[tuple[int, int, str]]) -> Span:
    """A span inside an attachment's section names the attachment, offsets into its text.
    Only a span of the combined text can be in one: a subject's or sender's stays as it is."""
    if span.source != "body":
        return span
    for start, end, filename in sections:
        if start <= span.start and span.end <= end:
            return Span(span.start - start, span.end - start, span.text, source=filename)
    return span


class ExtractorWithAttachments(Extractor):
    """Gives any extractor the attachments' texts after the body, so the rules and Claude
    adapters need no change of their own to read a PDF's text layer beside the email.

    (PDF/image content blocks for Claude would live in the Claude adapter itself.)
    """

    def __init__(self, inner: Extractor) -> None:
        self._inner = inner
        self.name = inner.name
        self.costly = getattr(inner, "costly", True)

    def extract(
        self,
        cleaned_body: str,
        subject: str,
        from_email: str,
        from_name: str | None,
        attachments: Sequence[AttachmentText] = (),
    ) -> Extraction:
        text, sections = _compose(cleaned_body, attachments)
        extraction = self._inner.extract(text, subject, from_email, from_name)
        if not sections or not extraction.evidence:
            return extraction
        evidence = {name: _located(span, sections) for name, span in extraction.evidence.items()}
        return dataclasses.replace(extraction, evidence=evidence)
