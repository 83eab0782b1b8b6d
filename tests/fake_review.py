"""In-memory fakes of the review ports: the directory book (pairs, learned aliases written on
commit only) and the read side of the queue."""

from __future__ import annotations

import copy
from datetime import datetime

from application.review_ports import DirectoryBook, DirectoryPair, ReviewQueries
from domain.matching import normalize_reference
from domain.model import EmailJob
from domain.review import ReviewStatus


class FakeDirectoryBook(DirectoryBook):
    def __init__(self, db) -> None:
        self._db = db
        self.pending: list[tuple] = []

    def pair(self, client_id: str, creditor_id: str) -> DirectoryPair | None:
        return self._db.directory_pairs.get((client_id, creditor_id))

    def learn(
        self, creditor_id: str, kind: str, value: str, job_id: str, learned_by: str, at: datetime
    ) -> bool:
        key = (creditor_id, kind, value.strip().lower())
        if key in self._db.aliases or any(p[0] == key for p in self.pending):
            return False
        self.pending.append((key, job_id, learned_by, at))
        return True

    def commit(self) -> None:
        for key, *audit in self.pending:
            self._db.aliases[key] = tuple(audit)
        self.pending = []


class FakeReviewQueries(ReviewQueries):
    def __init__(self, db) -> None:
        self._db = db

    def open_reviews(self, limit: int, offset: int) -> tuple[list[EmailJob], int]:
        with self._db.lock:
            jobs = sorted(
                (j for j in self._db.jobs.values() if j.review_status is ReviewStatus.OPEN),
                key=lambda j: (j.received_at, j.id),
            )
            return [copy.deepcopy(j) for j in jobs[offset : offset + limit]], len(jobs)

    def pairs(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], DirectoryPair]:
        return {k: v for k, v in self._db.directory_pairs.items() if k in keys}

    def search_directory(self, query: str, limit: int) -> list[DirectoryPair]:
        needle, norm = query.lower(), normalize_reference(query)
        found = [
            p
            for p in self._db.directory_pairs.values()
            if needle in p.client_name.lower()
            or needle in p.creditor_name.lower()
            or (
                norm
                and norm
                in (
                    normalize_reference(p.client_reference),
                    normalize_reference(p.creditor_reference),
                )
            )
        ]
        return sorted(found, key=lambda p: (p.client_name, p.creditor_name))[:limit]
