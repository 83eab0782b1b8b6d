"""The fake Zendesk API server (real HTTP on 127.0.0.1, files on 127.0.0.2) per test."""

from __future__ import annotations

import pytest

from adapters.zendesk.api import ZendeskApiClient
from adapters.zendesk.http import ZendeskHttp
from tests.zendesk_fake.server import EMAIL, TOKEN, FakeZendesk


@pytest.fixture
def zendesk():
    fake = FakeZendesk()
    yield fake
    fake.close()


@pytest.fixture
def api(zendesk) -> ZendeskApiClient:
    client = ZendeskApiClient(ZendeskHttp(zendesk.base_url, EMAIL, TOKEN, timeout_seconds=5))
    yield client
    client.http.close()
