"""The email body with the attachments' texts after it, each under a header naming the file,
so the extractors read both and a value found in an attachment can be traced to it."""

from __future__ import annotations

from collections.abc import Sequence

from domain.values import AttachmentText

ATTACHMENT_HEADER = "----- Anhang: {name} -----"


def with_attachment_texts(body: str, attachments: Sequence[AttachmentText]) -> str:
    parts = [body]
    for attachment in attachments:
        if attachment.text.strip():
            parts.append(ATTACHMENT_HEADER.format(name=attachment.filename))
            parts.append(attachment.text.strip())
    return "\n\n".join(parts)
