"""ListJobRows: the console's filtered job list, paginated by keyset (no OFFSET scans)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.console.ports import ConsoleQueries
from application.console.views import Cursor, JobFilter, JobRowPage
from domain.values import JobStatus, Outcome

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 200


class InvalidFilter(ValueError):
    """A filter value the list cannot use; the message names the field (German, for the UI)."""


def parse_filter(
    status: str | None,
    outcome: str | None,
    q: str | None,
    received_from: str | None,
    received_to: str | None,
) -> JobFilter:
    """Validates the query-string values; empty strings mean "no filter"."""
    status = (status or "").strip() or None
    outcome = (outcome or "").strip() or None
    if status and status not in {s.value for s in JobStatus}:
        raise InvalidFilter(f"Unbekannter Status: {status}")
    if outcome and outcome not in {o.value for o in Outcome}:
        raise InvalidFilter(f"Unbekanntes Ergebnis: {outcome}")
    text = (q or "").strip() or None
    if text and len(text) > MAX_QUERY_LENGTH:
        raise InvalidFilter(f"Suchtext ist länger als {MAX_QUERY_LENGTH} Zeichen")
    return JobFilter(
        status=status,
        outcome=outcome,
        q=text,
        received_from=_parse_day(received_from, "von", end_of_day=False),
        received_to=_parse_day(received_to, "bis", end_of_day=True),
    )


def _parse_day(value: str | None, label: str, end_of_day: bool) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidFilter(f"Datum „{label}“ ist ungültig (JJJJ-MM-TT erwartet)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if end_of_day and len(value) == 10:
        # "bis 2026-11-20" includes that whole day.
        parsed = parsed + timedelta(days=1)
    return parsed


def encode_cursor(cursor: Cursor) -> str:
    return f"{cursor.received_at.isoformat()}|{cursor.job_id}"


def decode_cursor(raw: str | None) -> Cursor | None:
    if not raw:
        return None
    stamp, sep, job_id = raw.partition("|")
    try:
        received_at = datetime.fromisoformat(stamp)
    except ValueError:
        raise InvalidFilter("Ungültige Seitenangabe") from None
    if not sep or not job_id or received_at.tzinfo is None:
        raise InvalidFilter("Ungültige Seitenangabe")
    return Cursor(received_at, job_id)


class ListJobRows:
    def __init__(self, queries: ConsoleQueries) -> None:
        self._queries = queries

    def __call__(
        self,
        job_filter: JobFilter,
        after: Cursor | None = None,
        newest_first: bool = True,
        limit: int = PAGE_SIZE,
    ) -> JobRowPage:
        # One row more than shown tells whether a next page exists without counting.
        rows = self._queries.job_rows(job_filter, after, limit + 1, newest_first)
        items = rows[:limit]
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = Cursor(last.received_at, last.id)
        return JobRowPage(items=items, next_cursor=next_cursor, newest_first=newest_first)
