"""Ports of the Zendesk API features (SPEC §10): comments, the incremental ticket export,
write-back, attachment text, and the poller's stored cursor. Adapters in adapters/zendesk/,
adapters/parsing/ and adapters/sqlalchemy/ implement them.

Kept beside ports.py (not in it) because these features are optional: without the API
settings nothing here is wired.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import PermanentError, TransientError
from domain.values import AttachmentText


class ZendeskRateLimited(TransientError):
    """429 from Zendesk; `retry_after` is its Retry-After in seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, "ZendeskRateLimited")
        self.retry_after = retry_after


class AttachmentTooLarge(PermanentError):
    """The attachment is over the configured size limit; it is skipped with a note."""


class ForeignAttachmentUrl(PermanentError):
    """The URL is not on the Zendesk host (only a redirect from there may leave it)."""


@dataclass(frozen=True)
class ZendeskAttachment:
    file_name: str
    content_url: str
    content_type: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class ZendeskComment:
    id: int
    ticket_id: int
    public: bool
    created_at: datetime
    author_email: str | None = None
    author_name: str | None = None
    author_role: str | None = None
    channel: str | None = None
    html_body: str = ""
    plain_body: str = ""
    message_id: str | None = None
    attachments: tuple[ZendeskAttachment, ...] = ()

    @property
    def is_inbound(self) -> bool:
        """A public comment an end user (the creditor) sent by email: what the trigger's
        conditions (Comment is Public, Current user is end user, Update via is Email) select."""
        if not self.public or not self.author_email:
            return False
        if self.channel is not None and self.channel != "email":
            return False
        if self.author_role is not None:
            return self.author_role == "end-user"
        return self.channel == "email"


@dataclass(frozen=True)
class ChangedTicket:
    id: int
    subject: str = ""
    status: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ExportPage:
    """One page of GET /api/v2/incremental/tickets/cursor.json."""

    tickets: list[ChangedTicket] = field(default_factory=list)
    after_cursor: str | None = None
    end_of_stream: bool = True


class ZendeskApi(abc.ABC):
    """Zendesk's real endpoints, nothing else. Raise TransientError (429 as
    ZendeskRateLimited, 5xx, timeouts, connection errors) or PermanentError (401/403/404)."""

    @abc.abstractmethod
    def list_comments(self, ticket_id: int) -> list[ZendeskComment]: ...

    @abc.abstractmethod
    def export_page(self, start_time: int | None, cursor: str | None) -> ExportPage:
        """The first page from `start_time` (unix seconds), or the page after `cursor`."""

    @abc.abstractmethod
    def download(self, url: str, max_bytes: int) -> bytes:
        """The attachment's bytes; AttachmentTooLarge over `max_bytes`; ForeignAttachmentUrl
        when `url` is not on the Zendesk host."""

    @abc.abstractmethod
    def add_internal_note(self, ticket_id: int, body: str, tags: list[str]) -> None:
        """PUT /api/v2/tickets/{id}.json with a private comment and additional tags."""


class AttachmentReader(abc.ABC):
    """Text of a downloaded attachment (the PDF text layer, a text file)."""

    @abc.abstractmethod
    def readable(self, file_name: str, content_type: str | None) -> bool:
        """Worth downloading: a PDF or a text file."""

    @abc.abstractmethod
    def read(self, file_name: str, content_type: str | None, content: bytes) -> AttachmentText:
        """Never raises on a bad file: an encrypted or broken PDF gives a text with a note."""


@dataclass(frozen=True)
class StoredCursor:
    name: str
    cursor: str | None
    start_time: int | None
    updated_at: datetime


class CursorStore(abc.ABC):
    """Where the poller keeps its place in the export stream (SQL), one row per stream."""

    @abc.abstractmethod
    def load(self, name: str) -> StoredCursor | None: ...

    @abc.abstractmethod
    def save(self, name: str, cursor: str | None, start_time: int | None, now: datetime) -> None:
        """Upsert and commit at once, so a restart resumes after the last finished page."""
