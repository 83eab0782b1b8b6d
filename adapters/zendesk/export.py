"""GET /api/v2/incremental/tickets/cursor.json: the tickets changed since a time or cursor.

Zendesk allows 10 requests a minute on this endpoint; the poller paces itself (see
application/poll_zendesk.py) and honours Retry-After on a 429.
"""

from __future__ import annotations

from adapters.zendesk.comments import parse_time
from adapters.zendesk.http import ZendeskHttp
from application.zendesk_ports import ChangedTicket, ExportPage

EXPORT_PATH = "/api/v2/incremental/tickets/cursor.json"


def export_page(http: ZendeskHttp, start_time: int | None, cursor: str | None) -> ExportPage:
    if cursor:
        params: dict = {"cursor": cursor}
    elif start_time is not None:
        params = {"start_time": int(start_time)}
    else:
        raise ValueError("export_page needs a start_time or a cursor")
    data = http.get_json(EXPORT_PATH, params=params)
    tickets = [
        ChangedTicket(
            id=int(t["id"]),
            subject=t.get("subject") or "",
            status=t.get("status"),
            updated_at=parse_time(t.get("updated_at")),
        )
        for t in data.get("tickets") or []
        if isinstance(t, dict) and t.get("id") is not None
    ]
    return ExportPage(
        tickets=tickets,
        after_cursor=data.get("after_cursor") or cursor,
        end_of_stream=bool(data.get("end_of_stream", True)),
    )
