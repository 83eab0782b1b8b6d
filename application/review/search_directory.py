"""SearchDirectory: find a (client, creditor) pair by name or reference, for the reviewer."""

from __future__ import annotations

from application.review_ports import DirectoryPair, ReviewQueries

MIN_QUERY_LENGTH = 2
MAX_RESULTS = 50


class SearchDirectory:
    def __init__(self, queries: ReviewQueries) -> None:
        self._queries = queries

    def __call__(self, query: str, limit: int = 20) -> list[DirectoryPair]:
        query = (query or "").strip()
        if len(query) < MIN_QUERY_LENGTH:
            return []
        return self._queries.search_directory(query[:100], max(1, min(limit, MAX_RESULTS)))
