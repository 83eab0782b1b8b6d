"""The httpx Zendesk adapter against the fake Zendesk server (real HTTP, loopback only)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest

from adapters.zendesk.api import ZendeskApiClient
from adapters.zendesk.http import ZendeskHttp
from application.zendesk_ports import AttachmentTooLarge, ZendeskRateLimited
from domain.errors import PermanentError, TransientError
from tests.zendesk_fake.pdf import make_pdf
from tests.zendesk_fake.server import EMAIL

TICKET = 1048213


@pytest.fixture
def ticket(zendesk):
    creditor = zendesk.add_user("forderungen@inkasso-nord.example", "Inkasso Nord GmbH")
    agent = zendesk.add_user(EMAIL, "Sachbearbeiterin", role="agent")
    zendesk.add_ticket(TICKET, "Ihr Schreiben – Az. 2024/1187")
    zendesk.add_comment(TICKET, agent, "Bitte nennen Sie die Forderung.")
    pdf = make_pdf(["Gesamtforderung: 1.480,12 EUR"])
    reply = zendesk.add_comment(
        TICKET,
        creditor,
        "Anbei unsere Aufstellung.",
        attachments=[("aufstellung.pdf", "application/pdf", pdf)],
    )
    zendesk.add_comment(TICKET, agent, "intern: geprüft", public=False)
    return {"reply": reply, "pdf": pdf}


def test_comments_with_users_over_several_pages(api, ticket):
    comments = api.list_comments(TICKET)
    assert len(comments) == 3  # the fake pages by 2: next_page was followed
    reply = next(c for c in comments if c.id == ticket["reply"])
    assert len(str(reply.id)) == 14
    assert reply.is_inbound and reply.author_role == "end-user"
    assert reply.author_email == "forderungen@inkasso-nord.example"
    assert reply.created_at.tzinfo is not None
    [attachment] = reply.attachments
    assert attachment.file_name == "aufstellung.pdf" and attachment.size == len(ticket["pdf"])
    assert [c.is_inbound for c in comments] == [False, True, False]


def test_download_follows_the_redirect_without_credentials(api, zendesk, ticket):
    [reply] = [c for c in api.list_comments(TICKET) if c.id == ticket["reply"]]
    content = api.download(reply.attachments[0].content_url, max_bytes=15 * 1024 * 1024)
    assert content == ticket["pdf"]
    [on_api] = zendesk.recorded("GET", "/attachments/")
    [on_files] = zendesk.recorded("GET", "/files/")
    assert on_api.host == "127.0.0.1" and on_api.authorization is not None
    assert on_files.host == "127.0.0.2" and on_files.authorization is None


def test_download_over_the_limit_is_refused(api, ticket):
    [reply] = [c for c in api.list_comments(TICKET) if c.id == ticket["reply"]]
    with pytest.raises(AttachmentTooLarge):
        api.download(reply.attachments[0].content_url, max_bytes=100)


def test_basic_auth_with_a_wrong_token_is_permanent(zendesk, ticket):
    client = ZendeskApiClient(ZendeskHttp(zendesk.base_url, EMAIL, "wrong", timeout_seconds=5))
    with pytest.raises(PermanentError, match="401"):
        client.list_comments(TICKET)


@pytest.mark.parametrize("status", [403, 404])
def test_forbidden_and_missing_are_permanent(api, zendesk, ticket, status):
    zendesk.fail(f"/api/v2/tickets/{TICKET}/comments.json", status)
    with pytest.raises(PermanentError, match=str(status)):
        api.list_comments(TICKET)


def test_rate_limit_is_transient_with_retry_after(api, zendesk, ticket):
    zendesk.fail("/api/v2/incremental/", 429, retry_after=7)
    with pytest.raises(ZendeskRateLimited) as raised:
        api.export_page(0, None)
    assert raised.value.retry_after == 7
    assert isinstance(raised.value, TransientError)


def test_server_error_is_transient(api, zendesk, ticket):
    zendesk.fail("/api/v2/tickets/", 503)
    with pytest.raises(TransientError, match="503"):
        api.list_comments(TICKET)


def test_a_server_that_never_answers_times_out_as_transient():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        client = ZendeskApiClient(ZendeskHttp(url, EMAIL, "t", timeout_seconds=0.5))
        with pytest.raises(TransientError, match="timed out"):
            client.list_comments(1)
    finally:
        listener.close()


def test_export_pages_until_end_of_stream(api, zendesk, ticket):
    zendesk.add_ticket(7, "Zweites")
    zendesk.add_comment(7, 1, "x")
    first = api.export_page(int(datetime(2020, 1, 1, tzinfo=UTC).timestamp()), None)
    assert not first.end_of_stream and len(first.tickets) == 2
    rest = api.export_page(None, first.after_cursor)
    assert rest.end_of_stream
    seen = [t.id for t in first.tickets + rest.tickets]
    assert sorted(set(seen)) == [7, TICKET]


def test_write_back_puts_a_private_note_and_tags(api, zendesk, ticket):
    api.add_internal_note(TICKET, "Gebucht: 1.480,12 EUR", ["creditor-inbox-matched"])
    [put] = zendesk.recorded("PUT")
    assert put.path == f"/api/v2/tickets/{TICKET}.json"
    assert put.body == {
        "ticket": {
            "comment": {"body": "Gebucht: 1.480,12 EUR", "public": False},
            "additional_tags": ["creditor-inbox-matched"],
        }
    }


def test_credentials_are_never_sent_to_another_host_by_the_json_api(api):
    with pytest.raises(PermanentError, match="refusing"):
        api.http.get_json("http://127.0.0.2:9/api/v2/tickets/1/comments.json")


def test_a_first_url_off_the_zendesk_host_is_never_fetched(api, zendesk):
    from application.zendesk_ports import ForeignAttachmentUrl

    with pytest.raises(ForeignAttachmentUrl):
        api.download(f"{zendesk.files_url}/files/anything", max_bytes=1000)
    assert zendesk.recorded() == []
