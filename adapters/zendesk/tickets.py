"""PUT /api/v2/tickets/{id}.json: the write-back (a private note and additional tags)."""

from __future__ import annotations

from adapters.zendesk.http import ZendeskHttp


def add_internal_note(http: ZendeskHttp, ticket_id: int, body: str, tags: list[str]) -> None:
    payload = {
        "ticket": {
            "comment": {"body": body, "public": False},
            "additional_tags": list(tags),
        }
    }
    http.put_json(f"/api/v2/tickets/{int(ticket_id)}.json", payload)
