"""GetJobDetail and ReviewQueue: what the console reads for one job and for the review queue."""

from __future__ import annotations

from application.console.ports import ConsoleQueries
from application.console.views import DirectoryHit, JobDetail, JobRow
from application.retry_job import JobNotFound
from domain.users import Principal, Role

REVIEW_QUEUE_LIMIT = 200
DIRECTORY_SEARCH_LIMIT = 20


class GetJobDetail:
    """One job; the email body only for reviewers and above (SPEC §9: personal data)."""

    def __init__(self, queries: ConsoleQueries) -> None:
        self._queries = queries

    def __call__(self, job_id: str, principal: Principal) -> JobDetail:
        detail = self._queries.job_detail(job_id, with_body=principal.can(Role.REVIEWER))
        if detail is None:
            raise JobNotFound(job_id)
        return detail


class ReviewQueue:
    """Open reviews, oldest received first."""

    def __init__(self, queries: ConsoleQueries) -> None:
        self._queries = queries

    def __call__(self, limit: int = REVIEW_QUEUE_LIMIT) -> list[JobRow]:
        return self._queries.open_review_rows(limit)

    def search_directory(self, text: str) -> list[DirectoryHit]:
        text = (text or "").strip()
        if len(text) < 2:
            return []
        return self._queries.search_directory(text[:100], DIRECTORY_SEARCH_LIMIT)
