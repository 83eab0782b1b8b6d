"""Value objects of the domain: the inbound email, extraction and match results, the claim."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

_MAX_EXTERNAL_ID_LENGTH = 255


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
        message_id = (self.message_id or "").strip()
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
class Extraction:
    """What the extractor read out of the cleaned body."""

    is_creditor_reply: bool
    client_name: str | None = None
    client_reference: str | None = None
    creditor_name: str | None = None
    creditor_reference: str | None = None
    claim_amount: Decimal | None = None
    currency: str | None = None
    confidence: float = 0.0
    extractor: str = "unknown"

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be in [0, 1], got {self.confidence}")
        if self.claim_amount is not None and not isinstance(self.claim_amount, Decimal):
            raise TypeError("claim_amount must be a Decimal")

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_creditor_reply": self.is_creditor_reply,
            "client_name": self.client_name,
            "client_reference": self.client_reference,
            "creditor_name": self.creditor_name,
            "creditor_reference": self.creditor_reference,
            "claim_amount": None if self.claim_amount is None else f"{self.claim_amount:.2f}",
            "currency": self.currency,
            "confidence": self.confidence,
            "extractor": self.extractor,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        amount = data.get("claim_amount")
        return cls(
            is_creditor_reply=bool(data["is_creditor_reply"]),
            client_name=data.get("client_name"),
            client_reference=data.get("client_reference"),
            creditor_name=data.get("creditor_name"),
            creditor_reference=data.get("creditor_reference"),
            claim_amount=None if amount is None else Decimal(str(amount)),
            currency=data.get("currency"),
            confidence=float(data.get("confidence", 0.0)),
            extractor=data.get("extractor", "unknown"),
        )


@dataclass(frozen=True)
class DirectoryEntry:
    """One (client, creditor) pair of the directory, as a matching candidate."""

    client_id: str
    client_name: str
    creditor_id: str
    creditor_name: str
    client_reference: str | None = None
    creditor_reference: str | None = None
    creditor_email: str | None = None
    client_birth_date: str | None = None


@dataclass(frozen=True)
class MatchCandidate:
    client_id: str
    creditor_id: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "creditor_id": self.creditor_id, "score": self.score}


@dataclass(frozen=True)
class Match:
    """Result of matching: client_id/creditor_id are set only for an auto-match."""

    score: float
    client_id: str | None = None
    creditor_id: str | None = None
    candidates: tuple[MatchCandidate, ...] = field(default_factory=tuple)

    @property
    def is_auto_match(self) -> bool:
        return self.client_id is not None and self.creditor_id is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "creditor_id": self.creditor_id,
            "score": self.score,
            "candidates": [c.to_dict() for c in self.candidates],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Match:
        return cls(
            score=float(data["score"]),
            client_id=data.get("client_id"),
            creditor_id=data.get("creditor_id"),
            candidates=tuple(
                MatchCandidate(c["client_id"], c["creditor_id"], float(c["score"]))
                for c in data.get("candidates", [])
            ),
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

    @property
    def idempotency_key(self) -> str:
        """Same job and same payload → same key, so a repeated write is a no-op."""
        payload = (
            f"{self.job_id}|{self.client_id}|{self.creditor_id}|{self.amount:.2f}|{self.currency}"
        )
        return hashlib.sha256(payload.encode()).hexdigest()
