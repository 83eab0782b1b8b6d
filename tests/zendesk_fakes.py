"""In-memory fakes of the Zendesk ports (the real-HTTP fake server is tests/zendesk_fake/)."""

from __future__ import annotations

from datetime import datetime

from application.zendesk_ports import (
    ChangedTicket,
    CursorStore,
    ExportPage,
    StoredCursor,
    ZendeskApi,
    ZendeskComment,
)


class FakeZendeskApi(ZendeskApi):
    """Export pages of a fixed list of changed tickets; errors queued per method."""

    def __init__(self, page_size: int = 2) -> None:
        self.changed: list[ChangedTicket] = []
        self.comments: dict[int, list[ZendeskComment]] = {}
        self.files: dict[str, bytes] = {}
        self.notes: list[tuple[int, str, list[str]]] = []
        self.errors: dict[str, list[BaseException]] = {}
        self.export_calls: list[tuple[int | None, str | None]] = []
        self.page_size = page_size

    def _raise_queued(self, method: str) -> None:
        queued = self.errors.get(method)
        if queued:
            raise queued.pop(0)

    def export_page(self, start_time: int | None, cursor: str | None) -> ExportPage:
        self.export_calls.append((start_time, cursor))
        self._raise_queued("export_page")
        position = int(cursor) if cursor else 0
        page = self.changed[position : position + self.page_size]
        end = position + len(page)
        return ExportPage(page, str(end), end >= len(self.changed))

    def list_comments(self, ticket_id: int) -> list[ZendeskComment]:
        self._raise_queued("list_comments")
        return list(self.comments.get(ticket_id, []))

    def download(self, url: str, max_bytes: int) -> bytes:
        self._raise_queued("download")
        return self.files[url]

    def add_internal_note(self, ticket_id: int, body: str, tags: list[str]) -> None:
        self._raise_queued("add_internal_note")
        self.notes.append((ticket_id, body, list(tags)))


class FakeCursorStore(CursorStore):
    def __init__(self) -> None:
        self.rows: dict[str, StoredCursor] = {}
        self.saves: list[StoredCursor] = []

    def load(self, name: str) -> StoredCursor | None:
        return self.rows.get(name)

    def save(self, name: str, cursor: str | None, start_time: int | None, now: datetime) -> None:
        row = StoredCursor(name, cursor, start_time, now)
        self.rows[name] = row
        self.saves.append(row)
