"""ZendeskApiClient: the ZendeskApi port on the modules of this package."""

from __future__ import annotations

from adapters.zendesk import comments, export, tickets
from adapters.zendesk.http import ZendeskHttp
from application.zendesk_ports import ExportPage, ZendeskApi, ZendeskComment


class ZendeskApiClient(ZendeskApi):
    def __init__(self, http: ZendeskHttp) -> None:
        self.http = http

    def list_comments(self, ticket_id: int) -> list[ZendeskComment]:
        return comments.list_comments(self.http, ticket_id)

    def export_page(self, start_time: int | None, cursor: str | None) -> ExportPage:
        return export.export_page(self.http, start_time, cursor)

    def download(self, url: str, max_bytes: int) -> bytes:
        return self.http.download(url, max_bytes)

    def add_internal_note(self, ticket_id: int, body: str, tags: list[str]) -> None:
        tickets.add_internal_note(self.http, ticket_id, body, tags)


def zendesk_api_from_settings(settings) -> ZendeskApiClient | None:
    """None when the API is not configured: its features stay off."""
    if settings.zendesk_api_url is None:
        return None
    return ZendeskApiClient(
        ZendeskHttp(
            settings.zendesk_api_url,
            settings.zendesk_email,
            settings.zendesk_api_token,
            timeout_seconds=settings.zendesk_timeout_seconds,
        )
    )
