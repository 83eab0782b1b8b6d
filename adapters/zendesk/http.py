"""The HTTP layer of the Zendesk adapter: basic auth, timeouts, errors, redirects, size limit.

Credentials go only to the Zendesk host: a `content_url` that answers 302 to a temporary
URL on another host is followed by hand, without the Authorization header. Status codes are
translated for the domain: 401/403/404 (and other 4xx) permanent; 429 (with Retry-After) and
5xx, timeouts and connection errors transient.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import structlog

from application.zendesk_ports import (
    AttachmentTooLarge,
    ForeignAttachmentUrl,
    ZendeskRateLimited,
)
from domain.errors import PermanentError, TransientError

log = structlog.get_logger(__name__)

MAX_REDIRECTS = 5
DEFAULT_RETRY_AFTER_S = 60.0
USER_AGENT = "creditor-inbox (zendesk adapter)"


class ZendeskHttp:
    def __init__(
        self,
        base_url: str,
        email: str,
        api_token: str,
        timeout_seconds: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._host = _origin(self.base_url)
        timeout = httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 10.0))
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        # Two clients: one that authenticates (Zendesk host only), one that never does.
        self._api = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(f"{email}/token", api_token),
            timeout=timeout,
            headers=headers,
            follow_redirects=False,
            transport=transport,
        )
        self._anonymous = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self._api.close()
        self._anonymous.close()

    # -- JSON API ------------------------------------------------------------------------

    def get_json(self, path_or_url: str, params: dict[str, Any] | None = None) -> dict:
        response = self._send("GET", path_or_url, params=params)
        return _json(response)

    def put_json(self, path: str, body: dict) -> dict:
        return _json(self._send("PUT", path, json=body))

    def _send(self, method: str, path_or_url: str, **kwargs) -> httpx.Response:
        if path_or_url.startswith(("http://", "https://")) and not self._same_host(path_or_url):
            raise PermanentError(f"refusing to send credentials to {_origin(path_or_url)}")
        try:
            response = self._api.request(method, path_or_url, **kwargs)
        except httpx.TimeoutException as exc:
            raise TransientError(f"Zendesk {method} timed out", "ZendeskTimeout") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"Zendesk unreachable: {exc}", "ZendeskConnectionError") from exc
        raise_for_status(response, method)
        return response

    # -- attachments ---------------------------------------------------------------------

    def download(self, url: str, max_bytes: int) -> bytes:
        """GET an attachment, following redirects by hand (credentials stay on our host).

        The first URL must be on the Zendesk host: a URL from elsewhere (say, a payload's
        attachment list) is not fetched at all, so the worker cannot be sent to internal hosts.
        """
        if not self._same_host(url):
            raise ForeignAttachmentUrl(f"not a Zendesk URL: {_origin(url)}")
        for _ in range(MAX_REDIRECTS + 1):
            client = self._api if self._same_host(url) else self._anonymous
            try:
                with client.stream("GET", url) as response:
                    if response.status_code in (301, 302, 303, 307, 308):
                        location = response.headers.get("Location")
                        if not location:
                            raise TransientError("redirect without Location", "ZendeskRedirect")
                        url = urljoin(url, location)
                        continue
                    raise_for_status(response, "GET", read=True)
                    return _read_limited(response, max_bytes)
            except httpx.TimeoutException as exc:
                raise TransientError("attachment download timed out", "ZendeskTimeout") from exc
            except httpx.TransportError as exc:
                raise TransientError(
                    f"attachment host unreachable: {exc}", "ZendeskConnectionError"
                ) from exc
        raise PermanentError(f"more than {MAX_REDIRECTS} redirects", "ZendeskRedirect")

    def _same_host(self, url: str) -> bool:
        return _origin(url) == self._host


def raise_for_status(response: httpx.Response, method: str, read: bool = False) -> None:
    status = response.status_code
    if status < 400:
        return
    if read:
        response.read()
    where = f"Zendesk {method} {response.request.url.path}"
    if status == 429:
        retry_after = _retry_after(response.headers.get("Retry-After"))
        raise ZendeskRateLimited(f"{where}: 429, retry after {retry_after:.0f} s", retry_after)
    if status >= 500:
        raise TransientError(f"{where}: {status}", f"ZendeskHTTP{status}")
    # 401/403 (credentials, permissions), 404 (gone), other 4xx: a retry cannot fix them.
    raise PermanentError(f"{where}: {status}", f"ZendeskHTTP{status}")


def _read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise AttachmentTooLarge(f"attachment is {declared} bytes, limit {max_bytes}")
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise AttachmentTooLarge(f"attachment is over the limit of {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else DEFAULT_RETRY_AFTER_S
    except ValueError:
        return DEFAULT_RETRY_AFTER_S


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError as exc:
        raise TransientError("Zendesk answered with something other than JSON") from exc
    if not isinstance(data, dict):
        raise TransientError("Zendesk answered with unexpected JSON")
    return data


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
