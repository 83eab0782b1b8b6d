"""GET /api/v2/tickets/{ticket_id}/comments.json?include=users → ZendeskComment values."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.zendesk.http import ZendeskHttp
from application.zendesk_ports import ZendeskAttachment, ZendeskComment

MAX_PAGES = 50  # 100 comments a page: a ticket with more than 5000 comments is not an email


def list_comments(http: ZendeskHttp, ticket_id: int) -> list[ZendeskComment]:
    comments: list[ZendeskComment] = []
    url: str | None = f"/api/v2/tickets/{int(ticket_id)}/comments.json"
    params: dict | None = {"include": "users"}
    for _ in range(MAX_PAGES):
        if url is None:
            break
        data = http.get_json(url, params=params)
        users = {u.get("id"): u for u in data.get("users") or [] if isinstance(u, dict)}
        comments.extend(
            parse_comment(ticket_id, c, users)
            for c in data.get("comments") or []
            if isinstance(c, dict) and c.get("id") is not None
        )
        # next_page is a full URL that already carries the query (include=users too).
        url, params = data.get("next_page"), None
    return comments


def parse_comment(ticket_id: int, data: dict, users: dict) -> ZendeskComment:
    author = users.get(data.get("author_id")) or {}
    via = data.get("via") or {}
    sender = ((via.get("source") or {}).get("from")) or {}
    system = (data.get("metadata") or {}).get("system") or {}
    return ZendeskComment(
        id=int(data["id"]),
        ticket_id=int(ticket_id),
        public=bool(data.get("public")),
        created_at=parse_time(data.get("created_at")) or datetime.now(UTC),
        author_email=author.get("email") or sender.get("address"),
        author_name=author.get("name") or sender.get("name"),
        author_role=author.get("role"),
        channel=via.get("channel"),
        html_body=data.get("html_body") or "",
        plain_body=data.get("plain_body") or data.get("body") or "",
        message_id=system.get("message_id") or None,
        attachments=tuple(
            ZendeskAttachment(
                file_name=a.get("file_name") or "attachment",
                content_url=a["content_url"],
                content_type=a.get("content_type"),
                size=a.get("size"),
            )
            for a in data.get("attachments") or []
            if isinstance(a, dict) and a.get("content_url")
        ),
    )


def parse_time(value: object) -> datetime | None:
    """Zendesk's ISO-8601 UTC times ("2026-11-20T08:15:00Z")."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
