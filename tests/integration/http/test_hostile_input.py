"""Never a 500 on input (issue 11): NUL and lone surrogates, calendar edges, real Zendesk ids,
and the last-resort guard that quarantines a signed delivery and answers 503."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from dependency_injector import providers
from sqlalchemy import select

from adapters.sqlalchemy.orm import email_jobs, intake_quarantine
from tests.integration.http.conftest import payload


def stored(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(email_jobs)).all()


def quarantined(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(intake_quarantine)).all()


def test_nul_and_lone_surrogates_are_made_storable_and_the_email_kept(client, engine):
    body = payload(
        subject="Az.\x00 2024/1187 \ud800",
        body_text="Forderung\x00 812,40 EUR \udfff Ende",
        from_name="Inkasso\x00 Nord",
        attachments=[{"url": "https://z.example/a.pdf", "filename": "a\x00\ud83d.pdf"}],
    )
    response = client.post_webhook(json.dumps(body).encode())  # ensure_ascii: \u0000, \ud800
    assert response.status_code == 200, response.data
    [row] = stored(engine)
    assert row.subject == "Az. 2024/1187 \ufffd"
    assert row.body_text == "Forderung 812,40 EUR \ufffd Ende"
    assert row.from_name == "Inkasso Nord"
    assert row.attachments[0].filename == "a\ufffd.pdf"


@pytest.mark.parametrize(
    "received_at",
    [
        "0001-01-01T00:00:00+14:00",  # astimezone overflowed: 500 before
        "9999-12-31T23:59:59-14:00",
        "2999-01-01T00:00:00Z",  # stuck at the top of the list before
        "1969-12-31T23:59:59Z",
    ],
)
def test_received_at_outside_a_sane_range_is_400_with_details(client, engine, received_at):
    response = client.post_webhook(payload(received_at=received_at))
    assert response.status_code == 400, response.data
    assert response.json["error"] == "invalid_payload"
    assert "received_at" in response.json["details"]
    assert stored(engine) == []


def test_received_at_more_than_a_day_ahead_is_400_within_a_day_is_kept(client, engine, clock):
    ahead = (clock.now() + timedelta(days=1, minutes=1)).isoformat()
    assert client.post_webhook(payload(received_at=ahead)).status_code == 400
    soon = clock.now() + timedelta(hours=3)  # a sender's clock running fast
    assert client.post_webhook(payload(received_at=soon.isoformat())).status_code == 200
    [row] = stored(engine)
    assert row.received_at == soon


@pytest.mark.parametrize(
    ("ticket_id", "comment_id"),
    [(2**40, 2**45), ("48213", "12345678901234"), (2**63 - 1, 99999999999999)],
)
def test_real_zendesk_ids_beyond_int4_are_accepted(client, engine, ticket_id, comment_id):
    body = payload(ticket_id=ticket_id, comment_id=comment_id, message_id=None)
    response = client.post_webhook(body)
    assert response.status_code == 200, response.data
    [row] = stored(engine)
    assert (row.ticket_id, row.comment_id) == (int(ticket_id), int(comment_id))
    assert client.post_webhook(body).json == {"status": "duplicate"}


def _exploding(message: str):
    def receive(email):
        raise RuntimeError(message)

    return receive


def test_unexpected_error_after_the_signature_is_quarantined_and_answered_503(
    client, engine, queue
):
    container = client.app.extensions["container"]
    raw = json.dumps(payload(n=7)).encode()
    container.receive_email.override(providers.Object(_exploding("bug in a new release")))
    response = client.post_webhook(raw)
    assert response.status_code == 503
    assert response.json == {"error": "unavailable"}
    assert response.headers["Retry-After"]
    assert stored(engine) == []
    [kept] = quarantined(engine)
    assert bytes(kept.raw_body) == raw
    assert (kept.error_type, kept.error_message) == ("RuntimeError", "bug in a new release")
    assert kept.replayed_at is None

    # The cause is fixed; the operator lists and replays it.
    container.receive_email.reset_override()
    runner = client.app.test_cli_runner()
    listing = runner.invoke(args=["intake", "quarantine", "list"])
    assert listing.exit_code == 0, listing.output
    assert f"{kept.id:>6}" in listing.output and "RuntimeError" in listing.output
    replay = runner.invoke(args=["intake", "quarantine", "replay", str(kept.id)])
    assert replay.exit_code == 0, replay.output
    assert f"{kept.id}: accepted" in replay.output
    [job] = stored(engine)
    assert job.external_id == "<7@mail.inkasso.example>"
    assert [t.arg for t in queue.tasks] == [job.id]
    [kept] = quarantined(engine)
    assert (kept.replay_result, kept.job_id) == ("accepted", job.id)
    # Replayed deliveries leave the pending list; a second replay of all finds nothing.
    assert "0 quarantined deliveries" in runner.invoke(args=["intake", "quarantine", "list"]).output
    assert runner.invoke(args=["intake", "quarantine", "replay", "--all"]).exit_code == 0


def test_replay_that_still_fails_keeps_the_delivery_and_exits_1(client, engine):
    container = client.app.extensions["container"]
    container.receive_email.override(providers.Object(_exploding("still broken")))
    assert client.post_webhook(payload(n=8)).status_code == 503
    runner = client.app.test_cli_runner()
    result = runner.invoke(args=["intake", "quarantine", "replay", "--all"])
    assert result.exit_code == 1
    assert "error RuntimeError (kept)" in result.output
    assert quarantined(engine)[0].replayed_at is None
    missing = runner.invoke(args=["intake", "quarantine", "replay", "999999"])
    assert missing.exit_code == 1 and "no such quarantined delivery" in missing.output


def test_guard_answers_503_even_when_the_quarantine_cannot_be_written(client, engine):
    container = client.app.extensions["container"]
    container.receive_email.override(providers.Object(_exploding("boom")))

    class Broken:
        def keep(self, *args):
            raise OSError("disk full")

    container.intake_quarantine.override(providers.Object(Broken()))
    response = client.post_webhook(payload(n=9))
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert stored(engine) == []


def test_unsigned_garbage_is_never_quarantined(client, engine):
    response = client.post_webhook(b"\x00\xff", signature="bm9wZQ==")
    assert response.status_code == 401
    assert quarantined(engine) == []
