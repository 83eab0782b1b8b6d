"""ReadAttachments: the texts of a job's attachments, fetched through the Zendesk API.

Lists the comment's attachments (comments.json gives fresh content URLs), downloads PDFs and
text files up to the size limit and reads their text. A file that cannot be read (encrypted,
broken, a scan without a text layer, an image, too large) gives an empty text with a note;
an API error propagates (401/403/404 permanent, 429/5xx/timeouts transient) and the attempt
fails like any other. The caller stores the result on the job as a checkpoint.
"""

from __future__ import annotations

import logging

from application.zendesk_ports import (
    AttachmentReader,
    AttachmentTooLarge,
    ForeignAttachmentUrl,
    ZendeskApi,
    ZendeskAttachment,
)
from domain.model import EmailJob
from domain.values import AttachmentText

log = logging.getLogger(__name__)

MAX_ATTACHMENTS = 10


class ReadAttachments:
    def __init__(self, api: ZendeskApi, reader: AttachmentReader, max_bytes: int) -> None:
        self._api = api
        self._reader = reader
        self._max_bytes = max_bytes

    def __call__(self, job: EmailJob) -> list[AttachmentText]:
        texts = []
        for attachment in self._attachments_of(job)[:MAX_ATTACHMENTS]:
            text = self._read_one(attachment)
            log.info(
                "attachment_read",
                extra={
                    "job_id": job.id,
                    "file_name": attachment.file_name,
                    "chars": len(text.text),
                    "note": text.note,
                },
            )
            texts.append(text)
        return texts

    def _attachments_of(self, job: EmailJob) -> list[ZendeskAttachment]:
        if job.comment_id is not None:
            for comment in self._api.list_comments(job.ticket_id):
                if comment.id == job.comment_id:
                    return list(comment.attachments)
            log.warning(
                "comment_not_found",
                extra={"job_id": job.id, "ticket_id": job.ticket_id, "comment_id": job.comment_id},
            )
        # No comment id (or the comment is gone): the attachment metadata the payload carried.
        return [
            ZendeskAttachment(a.filename or "attachment", a.url, a.content_type, a.size)
            for a in job.attachments
        ]

    def _read_one(self, attachment: ZendeskAttachment) -> AttachmentText:
        name, content_type = attachment.file_name, attachment.content_type
        if not self._reader.readable(name, content_type):
            if (content_type or "").startswith("image/"):
                # A photo or scan: no text layer, and no OCR here (Claude content blocks: later).
                return AttachmentText(name, content_type, "", "no text: an image is not read")
            return AttachmentText(
                name, content_type, "", f"not read: {content_type or 'unknown type'}"
            )
        if attachment.size is not None and attachment.size > self._max_bytes:
            return AttachmentText(name, content_type, "", _too_large(self._max_bytes))
        try:
            content = self._api.download(attachment.content_url, self._max_bytes)
        except AttachmentTooLarge:
            return AttachmentText(name, content_type, "", _too_large(self._max_bytes))
        except ForeignAttachmentUrl:
            return AttachmentText(name, content_type, "", "not read: not a Zendesk URL")
        return self._reader.read(name, content_type, content)


def _too_large(max_bytes: int) -> str:
    return f"skipped: over the size limit of {max_bytes // (1024 * 1024)} MB"
