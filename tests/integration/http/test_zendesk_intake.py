"""Intake of bodies exactly as Zendesk renders the trigger template, and its test requests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.sqlalchemy.orm import email_jobs
from entrypoints.http.signature import ZENDESK_TEST_SIGNING_SECRET
from tests.zendesk_fake.render import render_trigger_body

COMMENT_ID = 38412205561234  # 14 digits, like Zendesk's
TICKET_ID = 1048213
BODY = (
    'Sehr geehrte Damen und Herren,\n\nzu Ihrem Schreiben "Az. 2024/1187": die Forderung\n'
    "beträgt 1.234,56 EUR.\n\nMit freundlichen Grüßen\nInkasso Nord GmbH\n\n"
    "Am 02.11.2026 schrieb Kanzlei:\n> Bitte teilen Sie uns die Forderung mit."
)


def zendesk_values(**overrides) -> dict[str, str]:
    values = {
        "ticket_id": str(TICKET_ID),
        "comment_id": str(COMMENT_ID),
        "from_email": "forderungen@inkasso-nord.example",
        "from_name": "",
        "subject": "AW: Ihr Schreiben – Az. 2024/1187",
        "body_html": BODY,  # plain text: Zendesk sends placeholders unformatted
        "body_text": BODY,
    }
    values.update(overrides)
    return values


def rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(email_jobs)).all()


def test_rendered_template_is_accepted_with_string_ids_and_empty_name(client, engine):
    response = client.post_webhook(render_trigger_body(zendesk_values()))
    assert response.status_code == 200, response.json
    assert response.json == {"status": "accepted"}
    [row] = rows(engine)
    assert (row.ticket_id, row.comment_id) == (TICKET_ID, COMMENT_ID)
    assert row.external_id == row.zendesk_key == f"zendesk:{TICKET_ID}:{COMMENT_ID}"
    assert row.from_name is None and row.source == "webhook"
    assert (row.body_html, row.body_text) == ("", BODY)


def test_rendered_delivery_twice_is_a_duplicate(client, engine):
    assert client.post_webhook(render_trigger_body(zendesk_values())).json == {"status": "accepted"}
    assert client.post_webhook(render_trigger_body(zendesk_values())).json == {
        "status": "duplicate"
    }
    assert len(rows(engine)) == 1


def test_empty_comment_id_falls_back_to_the_body_hash(client, engine):
    assert (
        client.post_webhook(render_trigger_body(zendesk_values(comment_id=""))).status_code == 200
    )
    [row] = rows(engine)
    assert row.comment_id is None and row.zendesk_key is None
    assert row.external_id.startswith("sha256:")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ticket_id": ""}, "ticket_id"),
        ({"from_email": ""}, "from_email"),
        ({"body_html": "", "body_text": ""}, "body_text"),
        ({"comment_id": "12a"}, "comment_id"),
    ],
)
def test_empty_or_broken_required_placeholders_are_a_clear_400(client, engine, overrides, field):
    response = client.post_webhook(render_trigger_body(zendesk_values(**overrides)))
    assert response.status_code == 400
    assert response.json["error"] == "invalid_payload"
    assert field in response.json["details"]
    assert rows(engine) == []


def test_either_key_matching_is_a_duplicate(client, engine):
    first = {
        "ticket_id": TICKET_ID,
        "comment_id": COMMENT_ID,
        "message_id": "<a1@inkasso-nord.example>",
        "from_email": "forderungen@inkasso-nord.example",
        "body_text": BODY,
    }
    assert client.post_webhook(first).json == {"status": "accepted"}
    same_comment = {**first, "message_id": None}
    same_message = {**first, "comment_id": COMMENT_ID + 1}
    assert client.post_webhook(same_comment).json == {"status": "duplicate"}
    assert client.post_webhook(same_message).json == {"status": "duplicate"}
    assert len(rows(engine)) == 1


def test_plain_text_in_the_html_field_is_read_as_text(client, engine):
    from adapters.parsing.cleaner import EmailCleaner

    only_html = zendesk_values(body_text="")
    assert client.post_webhook(render_trigger_body(only_html)).status_code == 200
    [row] = rows(engine)
    assert (row.body_html, row.body_text) == ("", BODY)
    cleaned = EmailCleaner().clean(row.body_html, row.body_text)
    assert "1.234,56 EUR" in cleaned
    assert "Bitte teilen Sie uns" not in cleaned, "the quoted history is still recognised"


def test_real_html_stays_html(client, engine):
    html = "<p>Die Forderung beträgt<br>812,40 EUR.</p>"
    assert (
        client.post_webhook(render_trigger_body(zendesk_values(body_html=html))).status_code == 200
    )
    assert rows(engine)[0].body_html == html


def test_zendesk_test_request_is_answered_and_stores_nothing(make_client, engine):
    client = make_client(zendesk_accept_test_signature=True)
    response = client.post_webhook(b'{"say": "hello"}', secret=ZENDESK_TEST_SIGNING_SECRET)
    assert response.status_code == 200
    assert response.json == {"status": "test"}
    assert rows(engine) == []
    # The real secret still works beside it.
    assert client.post_webhook(render_trigger_body(zendesk_values())).json == {"status": "accepted"}


def test_test_signature_is_refused_by_default(client, engine):
    response = client.post_webhook(b'{"say": "hello"}', secret=ZENDESK_TEST_SIGNING_SECRET)
    assert response.status_code == 401
    assert rows(engine) == []


def test_test_signature_outside_the_time_window_is_refused(make_client, engine, clock):
    client = make_client(zendesk_accept_test_signature=True)
    response = client.post_webhook(
        b'{"say": "hello"}', secret=ZENDESK_TEST_SIGNING_SECRET, timestamp="2020-01-01T00:00:00Z"
    )
    assert response.status_code == 401
