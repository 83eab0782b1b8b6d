"""The email body with the attachments' texts after it, each under a header naming the file,
so an extractor reads both and a value found in an attachment can be traced to it."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports import Extractor
from domain.values import AttachmentText, Extraction

ATTACHMENT_HEADER = "----- Anhang: {name} -----"


def with_attachment_texts(body: str, attachments: Sequence[AttachmentText]) -> str:
    parts = [body]
    for attachment in attachments:
        if attachment.text.strip():
            parts.append(ATTACHMENT_HEADER.format(name=attachment.filename))
            parts.append(attachment.text.strip())
    return "\n\n".join(parts)


class ExtractorWithAttachments(Extractor):
    """Gives any extractor the attachments' texts after the body, so the rules and Claude
    adapters need no change of their own to read a PDF's text layer beside the email.

    (PDF/image content blocks for Claude would live in the Claude adapter itself.)
    """

    def __init__(self, inner: Extractor) -> None:
        self._inner = inner
        self.name = inner.name

    def extract(
        self,
        cleaned_body: str,
        subject: str,
        from_email: str,
        from_name: str | None,
        attachments: Sequence[AttachmentText] = (),
    ) -> Extraction:
        body = with_attachment_texts(cleaned_body, attachments)
        return self._inner.extract(body, subject, from_email, from_name)
