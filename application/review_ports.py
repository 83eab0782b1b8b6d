"""Ports of the review queue (SPEC §8): the directory as reviewers see and teach it, and the
read side of the queue."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from domain.model import EmailJob


@dataclass(frozen=True)
class DirectoryPair:
    """One (client, creditor) pair of the SQL directory, with the names people recognise."""

    client_id: str
    client_name: str
    creditor_id: str
    creditor_name: str
    client_reference: str | None = None
    creditor_reference: str | None = None
    creditor_email: str | None = None


class DirectoryBook(abc.ABC):
    """The directory inside a unit of work: check a decision's pair, learn from a decision."""

    @abc.abstractmethod
    def pair(self, client_id: str, creditor_id: str) -> DirectoryPair | None:
        """The pair, or None when the creditor does not exist or is not this client's."""

    @abc.abstractmethod
    def learn(
        self, creditor_id: str, kind: str, value: str, job_id: str, learned_by: str, at: datetime
    ) -> bool:
        """Record a sender address (kind "sender") or reference (kind "reference") on the
        creditor, audited (who, when, from which job). False when it was known already."""


class ReviewQueries(abc.ABC):
    """Read side of the queue and of the directory search (no aggregates to change)."""

    @abc.abstractmethod
    def open_reviews(self, limit: int, offset: int) -> tuple[list[EmailJob], int]:
        """Jobs with an open review, oldest received_at first, and how many there are."""

    @abc.abstractmethod
    def pairs(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], DirectoryPair]:
        """The directory pairs of these (client_id, creditor_id) keys that exist."""

    @abc.abstractmethod
    def search_directory(self, query: str, limit: int) -> list[DirectoryPair]:
        """Pairs whose client or creditor name contains the query (case-insensitive) or whose
        client or creditor reference equals it after normalisation."""
