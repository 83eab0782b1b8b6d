"""Value objects of the domain: the inbound email, extraction and match results, the claim."""

from __future__ import annotations

import enum
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

_MAX_EXTERNAL_ID_LENGTH = 255
# The ledger's NUMERIC(12, 2): an amount beyond it is a mis-read, never a claim to write.
MAX_CLAIM_AMOUNT = Decimal("9999999999.99")


def is_writable_amount(amount: Decimal | None) -> bool:
    """A claim amount the ledger can hold exactly: finite, 0 ≤ amount ≤ MAX, whole cents."""
    return (
        amount is not None
        and amount.is_finite()
        and Decimal(0) <= amount <= MAX_CLAIM_AMOUNT
        and amount == amount.quantize(Decimal("0.01"))
    )


class JobStatus(enum.StrEnum):
    RECEIVED = "received"
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class JobSource(enum.StrEnum):
    """How the email reached us: the Zendesk trigger's webhook, or the backstop poller."""

    WEBHOOK = "webhook"
    POLL = "poll"


class Outcome(enum.StrEnum):
    MATCHED = "matched"
    NEEDS_REVIEW = "needs_review"
    NOT_CREDITOR_REPLY = "not_creditor_reply"


@dataclass(frozen=True)
class Attachment:
    """Metadata of one attachment; downloading it is a later phase."""

    url: str
    filename: str | None = None
    content_type: str | None = None
    size: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        return cls(data["url"], data.get("filename"), data.get("content_type"), data.get("size"))


# Zero-width and other invisible characters, and whitespace: a Message-ID contains none.
_INVISIBLE_OR_SPACE = re.compile("[\\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def normalize_message_id(raw: str | None) -> str:
    """One spelling per Message-ID: NFKC (fullwidth ＜＞ become <>), invisible characters and
    whitespace removed, one pair of angle brackets, the domain part in lower case (it is
    case-insensitive; the local part is not). Empty when nothing is left."""
    text = _INVISIBLE_OR_SPACE.sub("", unicodedata.normalize("NFKC", raw or ""))
    text = text.lstrip("<").rstrip(">")
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if at:
        text = f"{local}@{domain.lower()}"
    return f"<{text}>"


@dataclass(frozen=True)
class InboundEmail:
    """One creditor email as Zendesk delivered it, already validated."""

    ticket_id: int
    from_email: str
    received_at: datetime
    body_html: str = ""
    body_text: str = ""
    subject: str = ""
    from_name: str | None = None
    comment_id: int | None = None
    message_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    source: JobSource = JobSource.WEBHOOK

    @property
    def zendesk_key(self) -> str | None:
        """The second dedup key (SPEC §10): the comment's identity in Zendesk, when known.

        A delivery is a duplicate when either this key or `external_id` (the message id)
        matches an existing job, so the webhook and the poller never both create one.
        """
        if self.comment_id is None:
            return None
        return f"zendesk:{self.ticket_id}:{self.comment_id}"

    @property
    def external_id(self) -> str:
        """Dedup key: message_id, else zendesk:<ticket>:<comment>, else a hash of the body."""
        message_id = normalize_message_id(self.message_id)
        if message_id:
            if len(message_id) <= _MAX_EXTERNAL_ID_LENGTH:
                return message_id
            return "message-id-sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
        if self.zendesk_key is not None:
            return self.zendesk_key
        canonical = json.dumps(
            {
                "ticket_id": self.ticket_id,
                "from_email": self.from_email.lower(),
                "subject": self.subject,
                "body_html": self.body_html,
                "body_text": self.body_text,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class AttachmentText:
    """The text read out of one downloaded attachment (a checkpoint on the job).

    `text` is empty when nothing could be read; `note` then says why (encrypted PDF, no text
    layer, too large, …). `content` is not kept here: only the text goes to the extractor.
    """

    filename: str
    content_type: str | None
    text: str = ""
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "text": self.text,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AttachmentText:
        return cls(
            data.get("filename") or "",
            data.get("content_type"),
            data.get("text") or "",
            data.get("note"),
        )


@dataclass(frozen=True)
class ClaimUpdate:
    """One ledger row: the claim amount a creditor reported for a client, from one job."""

    job_id: str
    client_id: str
    creditor_id: str
    amount: Decimal
    currency: str
    created_at: datetime
    source: str = "auto"  # "auto" (the pipeline) or "review" (a person)
    decided_by: str | None = None
    # The review decision (its number on the job) that booked this claim, for review rows.
    decision_seq: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not is_writable_amount(self.amount):
            raise ValueError(
                f"claim amount must be a Decimal in [0, {MAX_CLAIM_AMOUNT}] with whole cents"
            )

    @property
    def idempotency_key(self) -> str:
        """Same job and same payload (and, for a review, the same decision) → same key, so a
        repeated write is a no-op while a later correction gets a row of its own."""
        payload = (
            f"{self.job_id}|{self.client_id}|{self.creditor_id}|{self.amount:.2f}|{self.currency}"
        )
        if self.decision_seq is not None:
            payload += f"|review:{self.decision_seq}"
        return hashlib.sha256(payload.encode()).hexdigest()
