"""Read use cases for the API and CLI: list jobs and show one."""

from __future__ import annotations

from application.ports import JobPage, JobQueries
from application.retry_job import JobNotFound
from domain.model import EmailJob
from domain.values import JobStatus

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
MAX_OFFSET = 1_000_000_000  # far beyond any page; keeps a huge offset from reaching SQL


class ListJobs:
    def __init__(self, queries: JobQueries) -> None:
        self._queries = queries

    def __call__(
        self, status: JobStatus | str | None = None, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0
    ) -> JobPage:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
        if not 0 <= offset <= MAX_OFFSET:
            raise ValueError(f"offset must be between 0 and {MAX_OFFSET}")
        parsed = JobStatus(status) if status else None
        return self._queries.list_jobs(parsed, limit, offset)


class GetJob:
    def __init__(self, queries: JobQueries) -> None:
        self._queries = queries

    def __call__(self, job_id: str) -> EmailJob:
        job = self._queries.get_job(job_id)
        if job is None:
            raise JobNotFound(job_id)
        return job
