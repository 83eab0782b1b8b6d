"""GetJobDetail: one job as the console shows it, and the ids of the open reviews (J/K)."""

from __future__ import annotations

from application.console.ports import ConsoleQueries
from application.console.views import JobDetail
from application.retry_job import JobNotFound
from domain.users import Principal, Role

REVIEW_NAVIGATION_LIMIT = 1000


class GetJobDetail:
    """One job; the email body only for reviewers and above (SPEC §9: personal data)."""

    def __init__(self, queries: ConsoleQueries) -> None:
        self._queries = queries

    def __call__(self, job_id: str, principal: Principal) -> JobDetail:
        detail = self._queries.job_detail(job_id, with_body=principal.can(Role.REVIEWER))
        if detail is None:
            raise JobNotFound(job_id)
        return detail

    def open_review_ids(self) -> list[str]:
        """Open reviews, oldest received first: what J/K walk through."""
        return self._queries.open_review_ids(REVIEW_NAVIGATION_LIMIT)
