"""The Zendesk API on httpx: one module per concern (HTTP and errors, comments, the
incremental export, write-back), put together by api.ZendeskApiClient."""
